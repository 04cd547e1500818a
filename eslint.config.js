// One lint setup for the whole monorepo. Libraries never read the environment: only apps do, in their env module.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The package graph of ARCHITECTURE.md ("may import"), enforced: each folder may import only these of our packages.
const OURS = ['api', 'client', 'core', 'db', 'detection', 'embedding', 'heads', 'random', 'segmentation', 'vector-index'];
const MAY_IMPORT = {
  'packages/embedding': [],
  'packages/vector-index': [],
  'packages/db': [],
  'packages/random': [],
  'packages/api': [],
  'packages/detection': ['embedding'],
  'packages/segmentation': ['embedding'],
  'packages/heads': ['embedding', 'random'],
  'packages/core': ['db', 'detection', 'embedding', 'heads', 'segmentation', 'vector-index'],
  'packages/client': ['api'],
  'apps/indexer': ['core', 'db', 'detection', 'embedding', 'heads', 'segmentation'],
  'apps/web': ['api', 'client', 'core', 'embedding'],
};
const importRules = Object.entries(MAY_IMPORT).map(([folder, allowed]) => ({
  files: [`${folder}/src/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [
          ...OURS.filter((p) => !allowed.includes(p)).map((p) => ({ name: `@loupe/${p}`, message: `${folder} may not import @loupe/${p} (ARCHITECTURE.md, "may import")` })),
          ...(folder.startsWith('apps/') ? [{ name: '@loupe/core', importNames: ['benchmarkInternals'], message: 'apps use the facade\'s use cases, never the store or the index' }] : []),
        ],
        patterns: [{ regex: '^@loupe/(?!embedding/browser$)[^/]+/', message: 'one public entry per package: no deep imports' }],
      },
    ],
  },
}));

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
  // Plain JavaScript (bins, scripts, the examples) runs in Node; the browser example's page in browsers.
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: globals.node } },
  { files: ['examples/browser-search/src/**/*.js'], languageOptions: { globals: globals.browser } },
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
  ...importRules,
);
