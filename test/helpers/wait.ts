/**
 * Waiting in tests: for a state or for what a stream has said, never for a fixed time.
 *
 * Every wait here yields to the event loop (a timer) between looks. A loop that only awaits promises which are
 * already settled never leaves the microtask queue, so no timer fires again in that worker, vitest's own test and
 * hook timeouts included: the test spins at 100 % CPU instead of failing. That is how an ended stream read in a
 * `while` loop (each `next()` resolving at once with `{ done: true }`) hung two files for 15 minutes.
 */

// Taken at load, before any test installs fake timers: a wait must keep working, and timing out, under them.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realNow = Date.now;

const POLL_MS = 20;
/** Below vitest's 20 s test timeout, so the failure names the condition instead of only the test. */
const DEFAULT_TIMEOUT_MS = 10_000;

export interface UntilOptions {
  /** What is awaited, for the timeout error ("the account to cool down"); by default the check's source text. */
  what?: string;
  timeoutMs?: number;
  /** Between looks; 20 ms unless a look is itself costly (a terminal's screen is read by running tmux). */
  pollMs?: number;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => realSetTimeout(resolve, ms));

/** The check's own text, `() => x.open === 0` read as `x.open === 0`, when the caller did not say what it waits for. */
function sourceOf(check: (...args: never[]) => unknown): string {
  return check
    .toString()
    .replace(/^(async\s*)?\([^)]*\)\s*=>\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Polls until `check` holds, yielding to the event loop between looks. A check that throws fails the wait at once:
 * a broken check is a bug to see, not a state to wait out.
 */
export async function until(check: () => boolean | Promise<boolean>, options: UntilOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(await holdsWithin(timeoutMs, check, options.pollMs))) {
    throw new Error(`Timed out after ${timeoutMs} ms waiting for ${options.what ?? sourceOf(check)}`);
  }
}

/**
 * Whether `check` comes to hold within `ms`, looked at every `pollMs`, yielding between looks as `until` does; false
 * when time runs out, for a wait whose running out is an answer (a key given a second to show its effect).
 */
export async function holdsWithin(
  ms: number,
  check: () => boolean | Promise<boolean>,
  pollMs = POLL_MS,
): Promise<boolean> {
  const deadline = realNow() + ms;
  while (!(await check())) {
    if (realNow() > deadline) return false;
    await pause(pollMs);
  }
  return true;
}

/**
 * A response body read as text for as long as a test needs: `await events.until((t) => t.includes('event: counts'))`.
 * It fails, naming what it waited for and quoting what the stream said, when the stream ends first or time runs out.
 */
/**
 * Sends one request after another (each `send` checks its own answer) until `done` holds for the count sent so far,
 * or a send fails; resolves with that count. Steady traffic, for behaviour that must hold while requests keep coming.
 */
export async function sendUntil(
  send: () => Promise<void>,
  done: (sent: number) => boolean,
  what: string,
): Promise<number> {
  let sent = 0;
  let trafficOn = true;
  const traffic = (async () => {
    while (trafficOn) {
      await send();
      sent += 1;
    }
  })();
  await Promise.race([traffic, until(() => done(sent), { what })]).finally(() => (trafficOn = false));
  await traffic;
  return sent;
}

export class StreamText {
  /** Everything read so far. */
  text = '';
  private readonly chunks: AsyncIterator<unknown>;
  private readonly decoder = new TextDecoder();

  constructor(body: AsyncIterable<unknown>) {
    // The iterator itself, not `for await`: leaving a `for await` early would destroy the stream between waits.
    this.chunks = body[Symbol.asyncIterator]();
  }

  async until(check: (text: string) => boolean, options: UntilOptions = {}): Promise<string> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const what = options.what ?? sourceOf(check);
    const deadline = realNow() + timeoutMs;
    while (!check(this.text)) {
      const chunk = await this.next(deadline - realNow());
      if (chunk === 'timeout') {
        throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; the stream said:\n${this.text}`);
      }
      if (chunk.done) throw new Error(`The stream ended before ${what}; it said:\n${this.text}`);
      const value = chunk.value;
      this.text += typeof value === 'string' ? value : this.decoder.decode(value as Uint8Array, { stream: true });
    }
    return this.text;
  }

  private async next(remainingMs: number): Promise<IteratorResult<unknown> | 'timeout'> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>(
      (resolve) => (timer = realSetTimeout(() => resolve('timeout'), remainingMs)),
    );
    try {
      return await Promise.race([this.chunks.next(), timedOut]);
    } finally {
      realClearTimeout(timer);
    }
  }
}
