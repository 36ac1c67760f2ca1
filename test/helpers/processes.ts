import { execFile, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

export interface Running {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first stdout line matching `pattern`. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/**
 * Starts a built entry point (dist/…) or a script as its own process, the way a user would; `detached` makes it the
 * leader of a process group of its own, which a test can signal whole (`process.kill(-pid)`), as a terminal's Ctrl+C.
 */
export function startProcess(
  script: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
  options: { detached?: boolean } = {},
): Running {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: 'pipe',
    detached: options.detached ?? false,
  });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const wake of waiters) wake();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  // 'close', not 'exit': the process may be gone before its last output has been read from the pipes, and a test
  // that awaits `exited` and then reads `output()` must see all of it.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    waitFor: (pattern, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(text);
          if (match) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${text}`));
        }, timeoutMs);
        waiters.add(check);
        void exited.then(() => setTimeout(check, 0));
        check();
      }),
  };
}

/**
 * Bundles the entry points the process tests run (dist/main/*.js): scripts/build-main.mjs, every time; asynchronous, so
 * a simulator in this process keeps answering.
 */
export async function buildMain(): Promise<void> {
  await promisify(execFile)(process.execPath, ['scripts/build-main.mjs'], { cwd: ROOT });
}

// Here, beside its one reader, so that every program that type-checks this module (the browser tests' too) knows it.
declare module 'vitest' {
  export interface ProvidedContext {
    /** Whether dist/ was built from the sources for this whole run, so a test file need not build it again. */
    entryPointsBuilt: boolean;
  }
}

/**
 * Makes sure the entry points the process tests run are built from the sources as they are: a test file's beforeAll.
 * The run's global setup (test/helpers/build-once.ts) built them once for every file, so this builds only where it
 * did not (watch mode).
 */
export async function buildEntryPoints(): Promise<void> {
  // Imported here, not at the top: the browser tests (Playwright) import this module too, and must not load vitest.
  const { inject } = await import('vitest');
  if (inject('entryPointsBuilt')) return;
  await buildMain();
}

/** Runs a built CLI command to completion, asynchronously for the same reason. */
export async function runBuiltCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['dist/main/cli.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether a process, ours or not, still runs (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A command run to its end: exit code, both outputs, wall time from spawn to exit. */
export interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs a real client's binary (the Claude Code and Codex CLIs) to its exit with no stdin, as a user's one-shot
 * command would, or with `stdin` written and closed, as a script piping into it would; killed after `timeoutMs`, so a
 * client that hangs fails its test instead of the suite.
 */
export function runToExit(
  bin: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; stdin?: string },
): Promise<Exited> {
  const started = Date.now();
  return new Promise((resolve) => {
    const { cwd, env, stdin } = options;
    const child =
      stdin === undefined
        ? spawn(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env })
        : spawn(bin, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], env });
    if (stdin !== undefined) child.stdin?.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    // A binary that is not there (a client not installed) fails its test at once instead of at its timeout.
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}${String(error)}`, ms: Date.now() - started });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}
