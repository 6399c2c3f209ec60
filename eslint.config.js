import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { boundaryConfigs } from './tools/lint/boundaries.js';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.next/**', '.atrium/**', 'coverage/**', '.test-tmp/**', 'bench/results/**', '.nx/**', '**/next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  // Module boundaries from the projects' Nx tags (docs/architecture.md §5).
  ...boundaryConfigs(),
);
