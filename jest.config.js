/** Two tiers, as the house style asks: pure rules and single pieces (unit), and the whole
 *  supergraph over real HTTP (e2e). ts-jest only transpiles (isolatedModules); `npm test`
 *  type-checks the whole tree with tsc first, so this stays fast without losing strictness.
 *  jose 6 ships ES modules only, so ts-jest transpiles its files too. */
const transform = {
  '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  '^.+/node_modules/jose/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true } }],
};
const common = { testEnvironment: 'node', transform, transformIgnorePatterns: ['/node_modules/(?!jose/)'] };
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts', '<rootDir>/bench/test/**/*.test.ts'] },
  ],
};
