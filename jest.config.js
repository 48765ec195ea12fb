/** Two tiers, as the house style asks: pure rules and single subgraphs (unit), and the
 *  whole supergraph over real HTTP (e2e). ts-jest only transpiles; `npm test` type-checks
 *  the whole tree with tsc first, so this stays fast without losing strictness. */
const transform = { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] };
module.exports = {
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { displayName: 'e2e', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
