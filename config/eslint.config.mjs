import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.ordervault/**', '**/*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
      // Configuration is validated once at boot; nothing else may read the environment.
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'process.env is read only by src/config (load-config.ts); inject AppConfig instead.',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/sandbox', '**/sandbox/**'], message: 'Product code never imports the simulators.' }],
        },
      ],
    },
  },
  {
    // Entry points, the simulators themselves, tests and benchmarks may use the simulators and print.
    files: [
      'src/cli.ts',
      'src/cli/**/*.ts',
      'src/demo/**/*.ts',
      'src/tools/**/*.ts',
      'src/sandbox/**/*.ts',
      'test/**/*.ts',
      'test/**/*.tsx',
      'bench/**/*.ts',
    ],
    rules: { 'no-restricted-imports': 'off', 'no-console': 'off' },
  },
  {
    // Test harness files configure child processes and the test database from the environment.
    files: ['test/**/*.ts', 'test/**/*.tsx', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-restricted-syntax': 'off' },
  },
);
