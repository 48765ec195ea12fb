// Lint rules that catch what tsc does not: floating promises (a missed await on an audit or a
// database write), `any` creeping onto a path that carries patient data, unused code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const OURS = [
  'platform',
  'patches',
  'gateway',
  'subgraphs',
  'clients',
  'schema',
  'scripts',
  'bench',
  'test',
  'identity-provider',
];
const SUBGRAPHS = ['practices', 'rollout', 'records'];

/** One no-restricted-imports rule per [files, forbidden import regex, why]. */
const boundaries = (rules) =>
  rules.map(([files, regex, message]) => ({
    files: [files],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex, message }] }] },
  }));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', '**/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // Apollo's plugin hooks and DataLoader batch functions are async by contract.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      // Jest's asymmetric matchers (expect.objectContaining, ...) are typed `any`.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // The layout's boundaries: dependencies run one way, no subgraph reaches into another, and
  // scripts/ (entry points) and bench/ are leaves that nothing in the product or tests imports.
  ...boundaries([
    [
      'platform/**/*.ts',
      `(^|/)(${OURS.filter((dir) => dir !== 'platform').join('|')})/`,
      'platform/ is what the gateway and subgraphs share: it imports nothing else of ours',
    ],
    ['patches/**/*.ts', `(^|/)(${OURS.join('|')})/`, 'a library patch depends on the library alone'],
    ['schema/**/*.ts', `(^|/)(${OURS.join('|')})/`, 'schema/ composes SDL files and imports none of our code'],
    [
      'gateway/**/*.ts',
      '(^|/)(subgraphs|clients|scripts|bench|test|identity-provider)/',
      'the gateway imports nothing from subgraphs/ or the development identity provider: shared code lives in platform/',
    ],
    ...SUBGRAPHS.map((name) => [
      `subgraphs/${name}/**/*.ts`,
      `(^|/)(gateway|clients|scripts|bench|test|identity-provider)/|(^|/)\\.\\./(${SUBGRAPHS.filter((other) => other !== name).join('|')})/`,
      'a subgraph imports nothing from the gateway, clients, scripts, bench, tests or another subgraph',
    ]),
    [
      'subgraphs/{runtime,demo-world}/**/*.ts',
      `(^|/)(gateway|clients|scripts|bench|test|identity-provider|${SUBGRAPHS.join('|')})/`,
      'subgraphs/runtime/ and the demo world serve every subgraph and import none',
    ],
    [
      'clients/**/*.ts',
      '(^|/)(scripts|bench|test|identity-provider)/',
      'a client of the gateway is product code: no scripts, bench, tests or the development identity provider',
    ],
    [
      'identity-provider/**/*.ts',
      '(^|/)(subgraphs|clients|scripts|bench|test)/',
      "the development identity provider uses the gateway's development keys and platform/, nothing else",
    ],
    ['test/**/*.ts', '(^|/)(scripts|bench)/', 'tests import the product and test/helpers, never scripts/ or bench/'],
    [
      'scripts/**/*.ts',
      '(^|/)(scripts|bench|test)/|^\\./',
      'scripts/ holds entry points: they import the product, never each other',
    ],
    ['bench/**/*.ts', '(^|/)scripts/', 'bench/ may use the product and test/helpers, never scripts/'],
  ]),
  { files: ['*.js', '*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['*.js'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
);
