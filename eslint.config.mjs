// ESLint: type-aware TypeScript rules everywhere, React's hook rules in the window, and the import rules that hold
// the architecture up: which runtime a file runs in decides what it may import.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { defineConfig, globalIgnores } from 'eslint/config';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import typeErrors from './scripts/eslint-type-errors.mjs';

const root = import.meta.dirname;

const electronBan = (message) => ({
  paths: [{ name: 'electron', message }],
  patterns: [{ group: ['electron/*'], message }],
});

export default defineConfig(
  globalIgnores([
    'dist/',
    'release/',
    'build/',
    'test-results/',
    'playwright-report/',
    '.orchids-tray-dev/',
    // Recorded upstream traffic, kept byte for byte.
    'test/fixtures/',
  ]),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  js.configs.recommended,
  {
    rules: {
      // Prettier wraps code at 120 columns but leaves long strings and comments whole: this catches those. A core rule
      // ESLint keeps until v11 (@stylistic/max-len carries it on).
      'max-len': ['error', { code: 120 }],
      // A `let` read by a closure before its one assignment (a shutdown hook that may run while startup is still
      // under way, a fake wired to the object it feeds) cannot be a const: the closure would hit the TDZ.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // Finds each file's program through tsconfig.json's references: the same per-runtime projects (contract, node,
      // preload, renderer, e2e) that `npm run typecheck` checks.
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    plugins: { tsc: typeErrors },
    rules: {
      // TypeScript's errors, from the programs built for the rules above: `npm run check` needs no second pass.
      'tsc/type-errors': 'error',
      // Unused code is the type checker's job (noUnusedLocals/noUnusedParameters in tsconfig.base.json); a second
      // opinion with different exemptions would only disagree with it.
      '@typescript-eslint/no-unused-vars': 'off',
    },
  },
  {
    // Tests, the simulator and the benchmark read parsed wire JSON (JSON.parse, response.json(), the simulator's
    // recorded bodies) as `any` on purpose and assert on it: the assertion is the check. Casting each body to an
    // interface would have the compiler vouch for shapes nobody verified. Production code keeps these rules.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Fakes implement Promise-returning interfaces with `async` functions that need no await: that keeps their
      // signatures those of the real thing and turns a throw into a rejection, as the real one would.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // vi.hoisted runs before the file's imports, so the fake Electron it builds reaches Node's modules by require.
    files: ['test/unit/electron-desktop-app.test.ts', 'test/unit/electron-second-instance.test.ts'],
    rules: { '@typescript-eslint/no-require-imports': ['error', { allow: ['^node:'] }] },
  },
  {
    // In Node the electron package only exports its binary's path, and throws when the binary was never downloaded:
    // the smoke test requires it lazily so that it can skip instead of failing to load.
    files: ['test/e2e/electron-smoke.spec.ts'],
    rules: { '@typescript-eslint/no-require-imports': ['error', { allow: ['^electron$'] }] },
  },
  {
    // Playwright reads a fixture's dependencies from its first parameter's destructuring: `{}` means "none".
    files: ['test/e2e/**'],
    rules: { 'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }] },
  },
  {
    // Build and launch scripts: plain Node ES modules, no type information.
    files: ['**/*.mjs'],
    languageOptions: { globals: globals.node },
  },

  // --- Imports: resolution, cycles and the runtime boundaries. ---
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.mjs'],
    plugins: { 'import-x': importX },
    settings: {
      // no-cycle parses every file it follows: without a TypeScript parser for .ts it would see no imports at all.
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: `${root}/tsconfig.json` })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      // Electron exists only inside the desktop shell: the core also runs headless and as the CLI, the renderer is
      // a sandboxed page, tests and benchmarks run in plain Node.
      'no-restricted-imports': [
        'error',
        electronBan('Only main/electron/ (and the preload entry) may import Electron; keep this code runtime-free.'),
      ],
    },
  },
  {
    files: ['main/**'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './main/core',
              // Everything in main/ outside the core is a shell (desktop, headless, the CLI and its connection).
              from: './main',
              except: ['./core'],
              message: 'The shells (desktop, headless, CLI) depend on main/core, never the other way round.',
            },
            {
              target: './main',
              from: ['./preload', './renderer'],
              message: 'main/ talks to the window through the contract (contract/), never its modules.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['main/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        electronBan('main/core runs headless and as the CLI: it must not import Electron. Inject what it needs.'),
      ],
    },
  },
  {
    // The desktop shell and the Electron preload are the two places Electron's API belongs. The preload is its own
    // bundle, loaded by Electron into the window before the page: contextBridge and ipcRenderer exist only there.
    files: ['main/electron/**', 'preload/index.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },

  // --- The contract: shared by main, the preload and the window, so it runs in a page too. ---
  {
    // The headless window's bridge is page code as well: the headless server injects it before the window's own.
    files: ['contract/**', 'preload/http-bridge.ts'],
    rules: { 'import-x/no-nodejs-modules': 'error' },
  },
  {
    files: ['contract/**'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './contract',
              from: ['./main', './preload', './renderer', './test', './scripts'],
              message: 'The contract is what every side depends on; it depends on none of them.',
            },
          ],
        },
      ],
    },
  },
  {
    // The preload reaches the core only through the contract's channels, never its modules or the window's.
    files: ['preload/**'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './preload',
              from: ['./main', './renderer'],
              message: 'The preload speaks the contract (contract/), nothing else of the app.',
            },
          ],
        },
      ],
    },
  },

  // --- The window: browser code only. ---
  {
    files: ['renderer/src/**'],
    extends: [reactHooks.configs.flat['recommended-latest']],
    languageOptions: { globals: globals.browser },
    rules: {
      // A missing dependency is a stale value waiting to happen: an error, not a warning.
      'react-hooks/exhaustive-deps': 'error',
      'import-x/no-nodejs-modules': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './renderer/src',
              from: ['./main', './preload'],
              message: 'The window sees the core only through the contract (window.orchids), never its modules.',
            },
          ],
        },
      ],
    },
  },
);
