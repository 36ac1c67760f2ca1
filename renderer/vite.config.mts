import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
/** The contract package the window's types come from, beside renderer/ rather than inside it. */
const contract = fileURLToPath(new URL('../contract', import.meta.url));

/**
 * The window's build. Vite 8 compiles TSX with Oxc itself (no React plugin): `oxc.jsx` selects React's automatic
 * runtime, matching tsconfig's `jsx: react-jsx`. Relative asset URLs (`base: './'`) let the same build load from
 * `/_tray/` in headless mode and from `file://…/dist/renderer/index.html` in Electron. The page must pass a strict
 * CSP (`script-src 'self'; style-src 'self'`), so nothing may be inlined: no modulepreload polyfill, CSS as files.
 */
export default defineConfig({
  root,
  base: './',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  server: { fs: { allow: [root, contract] } },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: true,
    reportCompressedSize: false,
  },
});
