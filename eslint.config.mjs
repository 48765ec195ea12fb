// Lint rules that catch what tsc does not: floating promises (a missed await on an audit or a
// database write), `any` creeping onto a path that carries patient data, unused code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** One no-restricted-imports rule per [files, forbidden import regex, why]. */
const boundaries = (rules) =>
  rules.map(([files, regex, message]) => ({
    files: [files],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex, message }] }] },
  }));

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', '**/generated/', 'schema/'] },
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
  // The layout's boundaries: dependencies run one way, and no subgraph reaches into another.
  ...boundaries([
    [
      'platform/**/*.ts',
      '(^|/)(gateway|subgraphs|scripts|test)/',
      'platform/ is what the gateway and subgraphs share: it imports neither',
    ],
    [
      'gateway/**/*.ts',
      '(^|/)(subgraphs|scripts|test)/',
      'the gateway imports nothing from subgraphs/: shared code lives in platform/',
    ],
    ...['practices', 'rollout', 'records'].map((name) => [
      `subgraphs/${name}/**/*.ts`,
      `(^|/)(gateway|scripts|test)/|(^|/)\\.\\./(${['practices', 'rollout', 'records'].filter((other) => other !== name).join('|')})/`,
      'a subgraph imports nothing from the gateway, scripts, tests or another subgraph',
    ]),
    [
      'subgraphs/common/**/*.ts',
      '(^|/)(gateway|scripts|test|practices|rollout|records)/',
      'subgraphs/common/ serves every subgraph and imports none',
    ],
  ]),
  { files: ['*.js', '*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['*.js'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
);
