/**
 * The benchmark's processes talk over Node's fork IPC channel: the parent sends `{id, cmd, ...}`, the child answers
 * `{id, ok, result | error}`. Every child exits when the channel closes, so a parent that dies (even by SIGKILL)
 * leaves no process behind; the parent also kills whatever is still running when it exits.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import { watchLoopGaps, type Gap } from './loop-gaps';

export type Message = { id: number; cmd: string } & Record<string, unknown>;
export type Handlers = Record<string, (message: Message) => unknown>;

/** Child side. The probe commands every measured process answers (cpu, loop delay, memory) are built in. */
export function serveParent(handlers: Handlers, onExit: () => Promise<void> = async () => undefined): void {
  // 5 ms samples: 200 a second, enough for a p99 over a 5 s phase without a timer storm.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let gapWatch: ReturnType<typeof watchLoopGaps> | undefined;
  let exiting = false;
  const exit = async (): Promise<void> => {
    if (exiting) return;
    exiting = true;
    setTimeout(() => process.exit(0), 5_000).unref(); // a stuck shutdown must not keep the process alive
    await onExit().catch(() => undefined);
    process.exit(0); // a normal exit: --cpu-prof writes its profile here
  };
  const builtIn: Handlers = {
    cpu: () => {
      const usage = process.cpuUsage();
      return { userUs: usage.user, systemUs: usage.system };
    },
    'loop-delay-reset': () => loop.reset(),
    'loop-delay': () => ({
      p50Ms: loop.percentile(50) / 1e6,
      p99Ms: loop.percentile(99) / 1e6,
      maxMs: loop.max / 1e6,
      samples: loop.count,
    }),
    memory: async (message) => {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (message.gc && gc) {
        gc();
        // V8 hands the pages a GC freed back to the system from a background thread a moment later: read at once,
        // RSS still counts them (measured: 307 MB right after a gc(), 118 MB 250 ms later).
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const m = process.memoryUsage();
      return {
        rss: m.rss,
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
        // The young generation's share of heapTotal: it grows under load (up to 3 × --max-semi-space-size).
        youngSpace: v8
          .getHeapSpaceStatistics()
          .filter((space) => space.space_name.startsWith('new_'))
          .reduce((sum, space) => sum + space.space_size, 0),
      };
    },
    // A profile of only what follows (node's --cpu-prof would also catch a long setup, such as adding 10,000 accounts).
    'profile-start': () => profiler.start(),
    'profile-stop': (message) => profiler.stop(String(message.file)),
    // The moments the loop stood still (loop-gaps.ts), to read against a profile of the same stretch.
    'gaps-start': (message) => {
      gapWatch?.stop();
      gapWatch = watchLoopGaps(Number(message.thresholdMs ?? 10));
      return true;
    },
    'gaps-stop': (): Gap[] => {
      const gaps = gapWatch?.stop() ?? [];
      gapWatch = undefined;
      return gaps;
    },
    /** A heap snapshot, to find what holds memory that a GC does not free. */
    'heap-snapshot': (message) => v8.writeHeapSnapshot(String(message.file)),
    exit: () => {
      setImmediate(() => void exit());
      return true;
    },
  };
  const all = { ...builtIn, ...handlers };
  process.on('message', (message: Message) => {
    void (async () => {
      try {
        const handler = all[message.cmd];
        if (!handler) throw new Error(`unknown command ${message.cmd}`);
        const result = await handler(message);
        process.send?.({ id: message.id, ok: true, result: result ?? null });
      } catch (error) {
        process.send?.({
          id: message.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
    })();
  });
  process.on('disconnect', () => void exit());
  // Ctrl+C reaches the whole process group; the parent decides the order things stop in.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => void exit());
}

const profiler = {
  session: undefined as Session | undefined,
  post<T>(method: string): Promise<T> {
    return new Promise((resolve, reject) =>
      this.session!.post(method, (error, result) => (error ? reject(error) : resolve(result as T))),
    );
  },
  async start(): Promise<boolean> {
    this.session ??= new Session();
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.start');
    return true;
  },
  async stop(file: string): Promise<string> {
    const { profile } = await this.post<{ profile: unknown }>('Profiler.stop');
    this.session!.disconnect();
    this.session = undefined;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    return file;
  },
};

/** Tells the parent this child is ready, with whatever it needs to know (its URL). */
export function announceReady(info: Record<string, unknown>): void {
  process.send?.({ event: 'ready', ...info });
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Parent side of one child process. */
export class BenchChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.on('message', (message: { id?: number; ok?: boolean; result?: unknown; error?: string }) => {
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`${name}: ${message.error}`));
    });
    void this.exited.then((code) => {
      running.delete(child);
      for (const waiter of this.pending.values()) waiter.reject(new Error(`${name} exited (code ${code})`));
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Forks `script` and waits for its `ready` message. */
  static start(
    name: string,
    script: string,
    options: { env?: Record<string, string>; execArgv?: string[]; timeoutMs?: number } = {},
  ): Promise<{ proc: BenchChild; ready: Record<string, any> }> {
    const child = fork(script, [], {
      env: { ...process.env, ...options.env },
      execArgv: options.execArgv ?? [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    running.add(child);
    const proc = new BenchChild(name, child);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${name} did not start within ${options.timeoutMs ?? 20_000} ms`));
      }, options.timeoutMs ?? 20_000);
      child.on('message', function onReady(message: { event?: string }) {
        if (message.event !== 'ready') return;
        child.off('message', onReady);
        clearTimeout(timer);
        resolve({ proc, ready: message });
      });
      void proc.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited before it was ready (code ${code})`));
      });
    });
  }

  call<T = any>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (!this.child.connected) return reject(new Error(`${this.name} is not running`));
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, cmd, ...args });
    });
  }

  /** Asks the child to exit cleanly (writes its CPU profile); kills it if it has not within `timeoutMs`. */
  async stop(timeoutMs = 8_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await this.call('exit').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A process started some other way (the real headless entry): killed with the rest if the run stops early. */
export function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

export function killAllChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}
