// `npm run check`: the static half of `npm test`, in two lanes side by side. Lint is the longest part (about 45 s
// of one core): its type-aware rules build every TypeScript project and report TypeScript's errors for each
// file in its own project (scripts/eslint-type-errors.mjs). That misses a file one project pulls in from another
// runtime's code (a Node test importing a window module that names `window`), so `npm run typecheck` runs too,
// after format and knip in the second lane. A lane stops at its first failure; each failing check's output is
// printed whole at the end, never interleaved with another's.
//
//   node scripts/check.mjs        (each check alone: npm run format:check / knip / lint / typecheck)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lanes = [['lint'], ['format:check', 'knip', 'typecheck']];

/** `npm run -s <script>`, its output kept: through the npm that started us when there is one (no shell). */
function run(script) {
  const npm = process.env.npm_execpath;
  const windows = process.platform === 'win32';
  const [command, args, shell] = npm
    ? [process.execPath, [npm, 'run', '-s', script], false]
    : [windows ? 'npm.cmd' : 'npm', ['run', '-s', script], windows];
  const started = Date.now();
  return new Promise((resolve) => {
    const chunks = [];
    const child = spawn(command, args, { cwd: root, shell, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    const done = (code, error) =>
      resolve({ script, code, output: Buffer.concat(chunks).toString() + (error ? `${error.message}\n` : '') });
    child.on('error', (error) => done(1, error));
    child.on('close', (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      console.log(`${code === 0 ? 'ok    ' : 'FAILED'} ${script} (${seconds} s)`);
      done(code ?? 1);
    });
  });
}

async function runLane(scripts) {
  for (const script of scripts) {
    const result = await run(script);
    if (result.code !== 0) return result;
  }
  return undefined;
}

const failed = (await Promise.all(lanes.map(runLane))).filter((result) => result !== undefined);
for (const { script, output } of failed) process.stderr.write(`\n--- npm run ${script} ---\n${output}`);
if (failed.length > 0) {
  console.error(`\nnpm run check: ${failed.map((result) => result.script).join(' and ')} failed.`);
  process.exit(1);
}
