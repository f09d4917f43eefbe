// Lint rules that carry the design: no raw ipcRenderer in the renderer, no silent `any`.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bin/**', 'scripts/**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      // `any` only with a comment saying why: eslint-disable-next-line with a reason.
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The renderer talks to main only through window.rollcall (src-preload/api.ts).' }] }],
      'no-restricted-syntax': ['error', { selector: "Identifier[name='ipcRenderer']", message: 'No ipcRenderer in the renderer: use window.rollcall (src-preload/api.ts).' }],
    },
  },
  {
    files: ['src-main/core/**/*.ts'],
    rules: {
      // The pure core: no I/O, no Electron, no clock reads (time is a parameter).
      'no-restricted-imports': ['error', { patterns: [{ group: ['electron', 'node:*', 'fs', 'http', 'https', 'net', '../*/**', '../entra/*', '../lms/*', '../store/*', '../sync/*', '../ipc/*', '../secrets/*', '../demo/*', '../cli/*'], message: 'core/ is pure: no I/O and no imports from the other rooms.' }] }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'core/ takes time as a parameter: no new Date() without an argument.' }, { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'core/ takes time as a parameter: no Date.now().' }],
    },
  },
);
