// Bundles the main-process code (headless entry, CLI, Electron shell, preload) and the benchmark with esbuild:
// a fraction of a second, where tsc would take many. Type checking is `npm run typecheck`'s job.
import fs from 'node:fs';
import path from 'node:path';
import { build as esbuild } from 'esbuild';

/**
 * esbuild rewrites an output in place (truncate, then write), so a process that starts from it mid-build loads half a
 * file: tests build in one test file while another starts dist/main/headless.js, and a browser test's app serves
 * dist/renderer-bridge/bridge.js while a build runs. Each output is written beside its target and renamed over it,
 * so a reader sees the old file or the new one, whole.
 */
async function build(options) {
  const { outputFiles } = await esbuild({ ...options, write: false });
  for (const file of outputFiles) {
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    const temp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(temp, file.contents);
    fs.renameSync(temp, file.path);
  }
}

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
    'main/electron/main': 'main/electron/main.ts',
    'test/sim/main': 'test/sim/main.ts',
    // The benchmark: the orchestrator and the processes it forks (npm run bench).
    'test/bench/run': 'test/bench/run.ts',
    'test/bench/sim-process': 'test/bench/sim-process.ts',
    'test/bench/bare-hop': 'test/bench/bare-hop.ts',
    'test/bench/bare-hop-ws': 'test/bench/bare-hop-ws.ts',
    'test/bench/app-process': 'test/bench/app-process.ts',
    'test/bench/load-gen': 'test/bench/load-gen.ts',
    // A standalone micro-benchmark: node dist/test/bench/gen-b-body.js
    'test/bench/gen-b-body': 'test/bench/gen-b-body.ts',
    // undici's HTTP/2 client against its HTTP/1.1 one: node dist/test/bench/h2-client-cost.js
    'test/bench/h2-client-cost': 'test/bench/h2-client-cost.ts',
    // Request-body parsing alone, ns a byte per parser: node dist/test/bench/json-parse-cost.js
    'test/bench/json-parse-cost': 'test/bench/json-parse-cost.ts',
    // Stress measurements for the hardening work: node dist/test/bench/hardening.js <scenario>
    'test/bench/hardening': 'test/bench/hardening.ts',
  },
  outdir: 'dist',
});

// The preload runs sandboxed: everything it needs (the contract's channel list and API builder, from contract/) is
// bundled into one file.
await build({
  ...common,
  packages: undefined,
  external: ['electron'],
  entryPoints: { 'preload/index': 'preload/index.ts' },
  outdir: 'dist',
});

// The headless dashboard's stand-in for the preload: a browser script.
await build({
  ...common,
  platform: 'browser',
  target: 'chrome120',
  format: 'iife',
  packages: undefined,
  entryPoints: { 'renderer-bridge/bridge': 'preload/http-bridge.ts' },
  outdir: 'dist',
});
