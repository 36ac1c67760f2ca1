// Bundles the main-process code (headless entry, CLI, Electron shell, preload) and the benchmark with esbuild:
// a fraction of a second, where tsc would take many. Type checking is `npm run typecheck`'s job.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // Dependencies load from node_modules at run time; better-sqlite3 is native and electron is provided.
  packages: 'external',
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: {
    'main/headless': 'main/headless.ts',
    'main/cli': 'main/cli.ts',
    'test/sim/main': 'test/sim/main.ts',
  },
  outdir: 'dist',
});
