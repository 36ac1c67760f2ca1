import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { holdsWithin, until, type UntilOptions } from './wait';

/** A coding CLI's TUI running in a terminal of its own, driven as a person at the keyboard would. */
export interface Terminal {
  /** Types `text` into the TUI's prompt and presses Enter. */
  submit: (text: string) => Promise<void>;
  /** Presses one key, as tmux names it (`y`, `1`, `Escape`, `Enter`). */
  press: (key: string) => void;
  /** Pastes `text` as a terminal paste (bracketed), as a user pasting a file's path does. */
  paste: (text: string) => void;
  /**
   * Answers the question the screen shows (`dialog`) with `key`, pressed again until the question is gone. `dialog`
   * must match this question alone: one that also matches the next question has that one answered by a repeat press.
   */
  choose: (key: string, dialog: RegExp) => Promise<void>;
  /** What the terminal shows now. */
  screen: () => string;
  /** What the terminal shows now, with the escape sequences that colour it. */
  styledScreen: () => string;
  /** The terminal's title, which the TUI may set (Claude Code names the session there). */
  title: () => string;
  /** Waits until the screen matches `pattern`; fails quoting the screen. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  /**
   * Ends the terminal, and with it the TUI and what the TUI started in it, once the TUI has exited (so its home
   * folder can be removed: Claude Code writes its session there as it ends).
   */
  stop: () => Promise<void>;
}

export interface TerminalOptions {
  /** Where the TUI runs. */
  cwd: string;
  /** Set over the environment the tmux server has (the test process's). */
  env: Record<string, string>;
  /** `env` alone, nothing of the test process's (which may hold the CLI's own variables, pointing it elsewhere). */
  isolated?: boolean;
  /** The TUI's command line: the binary, then its arguments. */
  command: string[];
  /** The character the TUI's prompt line starts with (Codex `›`, Claude Code `❯`). */
  promptMark: string;
  /**
   * The prompt line, as `<promptMark> <text>`, for a TUI whose prompt line is not the last line opening with the mark
   * (opencode draws its box's edge before the prompt and before the lines under it).
   */
  promptLine?: (lines: string[]) => string | undefined;
  /**
   * `stop` kills the TUI and what it started at once rather than hanging it up and awaiting its exit: for a TUI whose
   * own exit takes seconds and whose end no test reads (Qwen Code's child node takes 2 to 10 s after the hangup).
   */
  killAtStop?: boolean;
}

/** Whether the pane's process has ended, its exit status, the signal that killed it (the pane is kept: see below). */
const PANE_END = '#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}';

/**
 * A screen is read by running tmux synchronously (about 12 ms of CPU, more under load), which blocks the worker that
 * also runs the app under test: read every 20 ms, as other waits look, a window test kept a core half busy reading.
 * DECISION: 50 ms, not 100: a screen state is drawn for longer than that, and a wait still ends within a frame or two.
 */
const SCREEN_POLL_MS = 50;

/**
 * Starts `command` in a tmux server on a socket named for this run (so `stop` ends this server alone, and with it
 * the TUI and what the TUI started), 160×50, colours off so the screen reads as plain text. What the Codex and
 * Claude Code TUI tests share.
 */
export function startTerminal(options: TerminalOptions): Terminal {
  const socket = `orchids-tui-${process.pid}-${Date.now()}`;
  const tmuxRaw = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', timeout: 10_000, stdio: 'pipe' });
  const env = { NO_COLOR: '1', TERM: 'xterm-256color', ...options.env };
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  const envFlags = options.isolated ? ['-i'] : [];
  const command = ['env', ...envFlags, ...assignments, ...options.command.map(shellQuote)].join(' ');
  // The pane outlives the TUI (remain-on-exit, set before the TUI starts, which may end at once), so a TUI that exits
  // or crashes leaves its last words and its exit status to read instead of a missing session.
  const session = ['new-session', '-d', '-x', '160', '-y', '50', '-c', options.cwd, command];
  tmuxRaw('-f', '/dev/null', 'set-option', '-g', 'remain-on-exit', 'on', ';', ...session);
  // `env` runs the command in its own process: the pane's. The server is awaited at `stop` too: with the TUI gone
  // already (its pane kept), nothing else says the server has finished ending.
  const pids = tmuxRaw('display-message', '-p', '-t', '0', '#{pane_pid} #{pid}').trim().split(' ');
  const tui = Number(pids[0]);
  const server = Number(pids[1]);
  /**
   * The last screen read that showed anything, kept for a failure after the session has gone (a full-screen TUI
   * clears it as it ends).
   */
  let seen = '';
  /** What the TUI and its terminal have come to, for a failure's message: whether it runs, its exit, its screens. */
  const postMortem = (): string => {
    let state: string;
    let now = '';
    try {
      const [dead, status, signal] = tmuxRaw('display-message', '-p', '-t', '0', PANE_END).trim().split('|');
      // A TUI that ended left its normal screen behind, with what it wrote as it ended (scrolled up by tmux's note).
      now = tmuxRaw('capture-pane', '-p', '-t', '0', ...(dead === '1' ? ['-S', '-50'] : []));
      const end = signal
        ? `killed by signal ${signal}`
        : status
          ? `exit status ${status}`
          : 'its exit status not yet known';
      if (dead === '1') state = `the TUI (pid ${tui}) has exited, ${end}`;
      else state = `the TUI (pid ${tui}) ${running(tui) ? 'is running' : 'has exited, its exit status not yet known'}`;
    } catch (error) {
      const alive = running(tui) ? 'still running' : 'not running, its exit status unknown';
      state = `the terminal's tmux session is gone (${tmuxError(error)}); the TUI (pid ${tui}) is ${alive}`;
    }
    const screens = [now && `its screen now:\n${trimScreen(now)}`];
    if (seen && trimScreen(seen) !== trimScreen(now)) screens.push(`the last screen read before:\n${trimScreen(seen)}`);
    return [state, ...screens.filter(Boolean)].join('; ');
  };
  const paneDead = (): boolean => {
    try {
      // Dead as its output ends, with a status only once tmux has reaped it.
      const [dead, status, signal] = tmuxRaw('display-message', '-p', '-t', '0', PANE_END).trim().split('|');
      return dead === '1' && Boolean(status || signal);
    } catch {
      return true; // The session has gone, and the pane with it.
    }
  };
  /** tmux, failing with the post-mortem: a key sent to a terminal that is gone says what became of the TUI. */
  const tmux = (...args: string[]): string => {
    try {
      return tmuxRaw(...args);
    } catch (error) {
      throw new TerminalError(`tmux ${args[0]} failed (${tmuxError(error)}); ${postMortem()}`, error);
    }
  };
  const screen = (): string => {
    const now = tmux('capture-pane', '-p', '-t', '0');
    // A server ending as it is read may show a blank screen, which would hide the last that said anything.
    if (now.trim()) seen = now;
    return now;
  };
  /**
   * `until`, failing with the post-mortem; at once when the TUI has exited, since nothing it has not drawn will come.
   */
  const awaitScreen = async (check: () => boolean | Promise<boolean>, wait: UntilOptions): Promise<void> => {
    try {
      await until(
        async () => {
          // Checked first: a TUI that has gone has taken its question and its prompt away too, which reads as answered.
          if (!running(tui)) {
            // tmux learns of the exit a moment later, and of its status later still.
            await until(paneDead, { timeoutMs: 5_000, what: 'tmux to see the TUI exit' }).catch(() => undefined);
            throw new Error(`The TUI exited while waiting for ${wait.what}`);
          }
          return check();
        },
        { pollMs: SCREEN_POLL_MS, ...wait },
      );
    } catch (error) {
      // A tmux command that failed in the check has said it all already.
      if (error instanceof TerminalError) throw new TerminalError(`Waiting for ${wait.what}: ${error.message}`, error);
      throw new TerminalError(`${(error as Error).message}; ${postMortem()}`, error);
    }
  };
  const waitFor = (pattern: RegExp, timeoutMs = 20_000): Promise<void> =>
    awaitScreen(() => pattern.test(screen()), { timeoutMs, what: String(pattern) });
  // The prompt is the last line opening with the TUI's mark (the conversation above shows sent ones too). Claude Code
  // writes a no-break space after its mark.
  const prompt = (): string | undefined => {
    const lines = screen().split('\n');
    if (options.promptLine) return options.promptLine(lines);
    return lines
      .filter((line) => line.startsWith(options.promptMark))
      .at(-1)
      ?.replace(/\u00a0/g, ' ')
      .trimEnd();
  };
  return {
    screen,
    styledScreen: () => tmux('capture-pane', '-p', '-e', '-t', '0'),
    waitFor,
    title: () => tmux('display-message', '-p', '-t', '0', '#{pane_title}').trim(),
    press: (key) => {
      tmux('send-keys', '-t', '0', key);
    },
    paste: (text) => {
      tmux('set-buffer', '--', text);
      tmux('paste-buffer', '-p', '-t', '0');
    },
    choose: async (key, dialog) => {
      // A key pressed as the question is drawn can be lost (seen with Claude Code's edit prompt on a busy machine):
      // pressed again until the question is gone. A second press that lands after the answer goes to the prompt,
      // which `submit` clears.
      await awaitScreen(
        async () => {
          tmux('send-keys', '-t', '0', key);
          return within(1_000, () => !dialog.test(screen()));
        },
        { timeoutMs: 30_000, what: `the answer ${key} to take ${String(dialog)} away` },
      );
    },
    submit: async (text) => {
      const typed = `${options.promptMark} ${text}`;
      // Keys that arrive while the TUI redraws at the end of a turn can be lost (seen in CI with Codex: the text never
      // reached the prompt, whose placeholder then read as "taken"), so the text is typed again until the prompt
      // shows it: only when none of it shows, and only once the prompt is drawn. Keys typed while the TUI starts are
      // held, not lost, and can come through after a retry (Claude Code then showed the text twice): the line is
      // cleared (Ctrl+U) and typed once more.
      const start = text.slice(0, 12);
      let typedBefore = false;
      await awaitScreen(
        async () => {
          const now = prompt();
          if (now === typed) return true;
          if (now === undefined) return false;
          if (!now.includes(start)) tmux('send-keys', '-t', '0', '-l', text);
          else if (now.length > typed.length) tmux('send-keys', '-t', '0', 'C-u');
          // DECISION: the first typing is taken as soon as it shows; once typed again, the whole second is waited, so
          // held keys that come through late show as doubled text here (cleared above) rather than after Enter.
          if (typedBefore) await new Promise((resolve) => setTimeout(resolve, 1_000));
          typedBefore = true;
          return within(1_000, () => prompt() === typed);
        },
        { timeoutMs: 30_000, what: `the prompt to show "${text}"` },
      );
      // Codex ignores Enter until its app server is up (seconds after the window shows): pressed again until the
      // prompt has taken the text. Typed apart from the text, or the TUI reads a paste ending in a newline.
      await awaitScreen(
        async () => {
          tmux('send-keys', '-t', '0', 'Enter');
          return within(500, () => prompt() !== typed);
        },
        { timeoutMs: 60_000, what: `the TUI to take "${text}"` },
      );
    },
    stop: async () => {
      // A TUI may run on in processes of its own (Qwen Code relaunches itself in a child node, which writes its
      // session into its home as it ends): they are awaited too, or the test's folders are removed under them.
      const spawned = descendants(tui);
      // DECISION: killed, not asked to quit: Qwen Code's `/quit`, or Ctrl+C twice, ended a one-answer session no
      // sooner than the hangup (1.3 s and 1.2 s against 0.7 s); its child node's shutdown is the time either way. A
      // killed TUI writes nothing more into its home, so its folders can go at once, as after an awaited exit.
      if (options.killAtStop) for (const pid of [...spawned, tui]) kill(pid);
      try {
        tmuxRaw('kill-server');
      } catch {
        // Already gone.
      }
      // The server's end hangs the TUI up; one that does not exit in time is killed, and so is a server that lingers.
      const ending = [tui, ...spawned, server];
      const which = `the TUI and tmux (pids ${ending.join(', ')})`;
      try {
        await until(() => !ending.some(running), { timeoutMs: 10_000, what: `${which} to exit` });
      } catch {
        for (const pid of ending.filter(running)) process.kill(pid, 'SIGKILL');
        await until(() => !ending.some(running), { what: `${which} to die` });
      }
    },
  };
}

/**
 * Whether `check` holds within `ms`: how long a key pressed is given to show its effect before it is pressed again,
 * ended as soon as it has (a fixed wait cost every key its whole second). Looked at every 100 ms, each look a screen
 * read.
 */
function within(ms: number, check: () => boolean): Promise<boolean> {
  return holdsWithin(ms, check, 100);
}

/** The processes `pid` started, and theirs, as Linux lists each thread's children; none once it has gone. */
function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((task) => fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' '))
      .filter((word) => word !== '')
      .map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** Kills `pid` at once; one that has ended meanwhile refuses the signal, which is then moot. */
function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Ended of itself before the signal.
  }
}

/** Whether `pid` runs (a zombie does not: in a container nobody may reap it). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A failure of the terminal's, its message saying what became of the TUI. */
class TerminalError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

/** A screen without its trailing spaces, its runs of blank lines (most of a 50-line terminal) made one. */
function trimScreen(screen: string): string {
  return screen
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, ''); // Not trim(): the first line's indent is the TUI's layout.
}

/** What tmux said on stderr when a command failed ("no server running on …", "can't find pane: 0"). */
function tmuxError(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr;
  return (typeof stderr === 'string' && stderr.trim()) || (error as Error).message;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
