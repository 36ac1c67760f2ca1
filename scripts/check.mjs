// `npm run check`: the static half of `npm test`. The quick checks (format, knip) run first, so a formatting slip
// fails in seconds; then lint and the type check, each about half a minute of one core, run side by side: on
// 2 cores that takes the whole from about 85 to about 70 seconds. Each check's output is printed whole once it
// ends, never interleaved with the other's.
//
//   node scripts/check.mjs        (each check alone: npm run format:check / knip / lint / typecheck)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stages = [
  ['format:check', 'knip'],
  ['lint', 'typecheck'],
];

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

for (const stage of stages) {
  const results = await Promise.all(stage.map(run));
  const failed = results.filter((result) => result.code !== 0);
  for (const { script, output } of failed) {
    process.stderr.write(`\n--- npm run ${script} ---\n${output}`);
  }
  if (failed.length > 0) {
    console.error(`\nnpm run check: ${failed.map((result) => result.script).join(' and ')} failed.`);
    process.exit(1);
  }
}
