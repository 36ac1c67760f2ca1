/**
 * Quitting, deterministically. Quit (from the tray, the OS, Cmd+Q, SIGINT/SIGTERM) sets `isQuitting`, so the
 * window's close handler stops hiding it, then runs the shutdown steps in order, each bounded by its own timeout,
 * the whole bounded by a deadline; then the process exits. A step that hangs (a stuck writer, a client that never
 * finishes its stream) costs its timeout, never the exit.
 */
import { withTimeout } from '../core/util/timeout';

export interface ShutdownStep {
  name: string;
  run(): unknown;
  timeoutMs: number;
}

export interface ShutdownOptions {
  /** Read when the shutdown starts, so steps can refer to things created after construction. */
  steps: () => ShutdownStep[];
  /** `app.exit`: leaves without emitting `before-quit` again. */
  exit(code: number): void;
  /** Exit this long after the shutdown started, whatever the steps are doing. */
  deadlineMs: number;
  log: (line: string) => void;
}

export class Shutdown {
  private running: Promise<void> | undefined;
  private quitting = false;
  private exited = false;

  constructor(private readonly options: ShutdownOptions) {}

  get isQuitting(): boolean {
    return this.quitting;
  }

  get hasExited(): boolean {
    return this.exited;
  }

  /** Safe to call any number of times; every call returns the one shutdown in progress. */
  run(reason: string): Promise<void> {
    this.quitting = true;
    this.running ??= this.perform(reason);
    return this.running;
  }

  /** The second Ctrl+C: leave now. */
  force(code = 1): void {
    this.options.log('[quit] forced exit');
    this.exit(code);
  }

  private async perform(reason: string): Promise<void> {
    const { log } = this.options;
    log(`[quit] ${reason}: stopping`);
    const deadline = setTimeout(() => {
      log(`[quit] shutdown took longer than ${this.options.deadlineMs} ms; exiting anyway`);
      this.exit(0);
    }, this.options.deadlineMs);
    deadline.unref?.();
    for (const step of this.options.steps()) {
      if (this.exited) return;
      const started = Date.now();
      const outcome = await withTimeout(
        Promise.resolve()
          .then(() => step.run())
          .then(
            () => 'done' as const,
            (error: unknown) => {
              log(`[quit] ${step.name} failed: ${(error as Error)?.message ?? String(error)}`);
              return 'failed' as const;
            },
          ),
        step.timeoutMs,
        () => 'timeout' as const,
      );
      if (outcome === 'timeout') log(`[quit] ${step.name} did not finish within ${step.timeoutMs} ms; moving on`);
      else if (outcome === 'done' && Date.now() - started > 500)
        log(`[quit] ${step.name} took ${Date.now() - started} ms`);
    }
    clearTimeout(deadline);
    this.exit(0);
  }

  private exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.options.exit(code);
  }
}

/** Signals closer together than this count as one. */
export const SIGNAL_REPEAT_MS = 1000;

export interface QuitHookTargets {
  now?: () => number;
  app: { on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown };
  signals: { on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown };
}

/**
 * Routes every way of quitting through the graceful shutdown. `before-quit` is held (preventDefault) until the
 * steps are done; the shutdown then leaves with `app.exit`. A second signal leaves at once.
 */
export function installQuitHooks(targets: QuitHookTargets, shutdown: Shutdown): void {
  targets.app.on('before-quit', (event) => {
    if (shutdown.hasExited) return;
    event.preventDefault();
    void shutdown.run('quit requested');
  });
  // Counted per signal rather than read from isQuitting: one Ctrl+C during a quit started from the tray joins that
  // quit; only a second signal forces the exit. A repeat within a second is the same Ctrl+C arriving twice (the
  // terminal signals the whole process group, and `npm start` also forwards it to us), not a second press.
  let firstSignalAt: number | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    targets.signals.on(signal, () => {
      const now = (targets.now ?? Date.now)();
      if (firstSignalAt === undefined) {
        firstSignalAt = now;
        void shutdown.run(signal);
      } else if (now - firstSignalAt >= SIGNAL_REPEAT_MS) {
        shutdown.force(1);
      }
    });
  }
}

export interface DesktopParts {
  window?: { hide(): void };
  /** Live updates, IPC handlers and listeners: all synchronous unsubscribes. */
  disposers: Array<() => void>;
  control?: { retire(): void };
  core?: { stop(graceMs: number): Promise<void> };
  tray?: { dispose(): void };
}

/**
 * The desktop app's shutdown, in order: the window disappears at once, live updates stop, the CLI's runtime file is
 * removed, the core stops gracefully (requests in flight get `graceMs`, then counts, history and debug logs flush
 * and SQLite closes; each of those is bounded inside core.stop too), and the tray icon goes last, so the app stays
 * visible until it is really gone.
 */
export function desktopShutdownSteps(
  parts: () => DesktopParts,
  options: { graceMs: number; coreTimeoutMs: number },
): ShutdownStep[] {
  return [
    { name: 'window', run: () => parts().window?.hide(), timeoutMs: 1000 },
    {
      name: 'live updates',
      run: () =>
        parts()
          .disposers.splice(0)
          .forEach((dispose) => dispose()),
      timeoutMs: 1000,
    },
    { name: 'runtime file', run: () => parts().control?.retire(), timeoutMs: 1000 },
    { name: 'proxy core', run: () => parts().core?.stop(options.graceMs), timeoutMs: options.coreTimeoutMs },
    { name: 'tray', run: () => parts().tray?.dispose(), timeoutMs: 1000 },
  ];
}
