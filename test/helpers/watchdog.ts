import inspector from 'node:inspector';
import { Worker } from 'node:worker_threads';

/**
 * Fails a test file whose event loop stops turning.
 *
 * Vitest's test and hook timeouts are timers in the test's own thread: a loop that never yields (synchronous, or
 * awaiting promises that are already settled, such as an ended stream's `next()`) starves them, and the file spins
 * at 100 % CPU until something outside kills it; CI would wait out its 90 minutes. So a second thread watches a
 * heartbeat the test thread bumps from a real timer every 250 ms. After STALL_MS without one it writes which file
 * and which test stalled straight to stderr (the test thread cannot relay it) and kills this test process; vitest
 * then fails the run ("Worker exited unexpectedly").
 *
 * 20 s: no test here blocks its event loop for even a second on purpose, and a stall that starts only when
 * vitest's own 20 s timeout abandons a test (its body still running) is still caught within a minute of the test's
 * start. Chosen over a hard per-process timeout, which would have to exceed the slowest file's run: this one tells a
 * slow test from a stuck one, whatever the file's length, and names the test.
 */
const STALL_MS = 20_000;
const HEARTBEAT_MS = 250;

// Plain JavaScript: a worker started from source is not transformed by vitest.
const WATCHER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const beats = new Int32Array(workerData.beats);
let where = '';
parentPort.on('message', (message) => (where = message));
let seen = -1;
let quietSince = Date.now();
setInterval(() => {
  const now = Atomics.load(beats, 0);
  if (now !== seen) {
    seen = now;
    quietSince = Date.now();
    return;
  }
  if (Date.now() - quietSince < workerData.stallMs) return;
  fs.writeSync(2, '\\n[test watchdog] ' + where + ': the event loop has not turned for ' + workerData.stallMs / 1000 +
    ' s. Something loops without yielding (for example awaiting an ended stream in a while loop), so no timer ' +
    'can fire, vitest\\'s timeouts included. Killing the test process.\\n');
  process.kill(process.pid, 'SIGKILL');
}, 1000);
`;

interface Watchdog {
  /** Names what runs now (file, test), for the message if it stalls. */
  at(where: string): void;
}

const KEY = Symbol.for('orchids-tray.test-watchdog');

/** One per test process, however many files it runs. A debugger pausing the process is not a hang: none then. */
export function watchdog(): Watchdog {
  const global = globalThis as { [KEY]?: Watchdog };
  if (global[KEY]) return global[KEY];
  if (inspector.url()) return (global[KEY] = { at: () => {} });
  const beats = new SharedArrayBuffer(4);
  const counter = new Int32Array(beats);
  const thread = new Worker(WATCHER, { eval: true, workerData: { beats, stallMs: STALL_MS } });
  thread.unref();
  setInterval(() => Atomics.add(counter, 0, 1), HEARTBEAT_MS).unref();
  return (global[KEY] = { at: (where) => thread.postMessage(where) });
}
