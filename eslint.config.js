// One lint setup for the whole monorepo. Libraries never read the environment: only apps do, in their env module.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.next/**', '**/model/**', '**/.cache/**', 'data/**', '**/public/ort/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Library packages take options; only apps read the environment.' },
        { object: 'process', property: 'exit', message: 'Library packages throw typed errors; only apps exit.' },
      ],
      'no-console': 'error',
    },
  },
);
