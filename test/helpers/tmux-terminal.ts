import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { until, type UntilOptions } from './wait';

/** A coding CLI's TUI running in a terminal of its own, driven as a person at the keyboard would. */
export interface Terminal {
  /** Types `text` into the TUI's prompt and presses Enter. */
  submit: (text: string) => Promise<void>;
  /** Presses one key, as tmux names it (`y`, `1`, `Escape`, `Enter`). */
  press: (key: string) => void;
  /** Pastes `text` as a terminal paste (bracketed), as a user pasting a file's path does. */
  paste: (text: string) => void;
  /** Answers the question the screen shows (`dialog`) with `key`, pressed again until the question is gone. */
  choose: (key: string, dialog: RegExp) => Promise<void>;
  /** What the terminal shows now. */
  screen: () => string;
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
}

/**
 * Starts `command` in a tmux server on a socket named for this run (so `stop` ends this server alone, and with it
 * the TUI and what the TUI started), 160×50, colours off so the screen reads as plain text. What the Codex and
 * Claude Code TUI tests share.
 */
export function startTerminal(options: TerminalOptions): Terminal {
  const socket = `orchids-tui-${process.pid}-${Date.now()}`;
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', timeout: 10_000 });
  const env = { NO_COLOR: '1', TERM: 'xterm-256color', ...options.env };
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  const envFlags = options.isolated ? ['-i'] : [];
  const command = ['env', ...envFlags, ...assignments, ...options.command.map(shellQuote)].join(' ');
  tmux('-f', '/dev/null', 'new-session', '-d', '-x', '160', '-y', '50', '-c', options.cwd, command);
  // `env` runs the command in its own process: the pane's.
  const tui = Number(tmux('display-message', '-p', '-t', '0', '#{pane_pid}').trim());
  const screen = (): string => tmux('capture-pane', '-p', '-t', '0');
  /** `until`, failing with the screen quoted. */
  const awaitScreen = async (check: () => boolean | Promise<boolean>, wait: UntilOptions): Promise<void> => {
    try {
      await until(check, wait);
    } catch (error) {
      throw new Error(`${(error as Error).message}; the screen:\n${screen()}`, { cause: error });
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
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          return !dialog.test(screen());
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
      await awaitScreen(
        async () => {
          const now = prompt();
          if (now === typed) return true;
          if (now === undefined) return false;
          if (!now.includes(start)) tmux('send-keys', '-t', '0', '-l', text);
          else if (now.length > typed.length) tmux('send-keys', '-t', '0', 'C-u');
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          return prompt() === typed;
        },
        { timeoutMs: 30_000, what: `the prompt to show "${text}"` },
      );
      // Codex ignores Enter until its app server is up (seconds after the window shows): pressed again until the
      // prompt has taken the text. Typed apart from the text, or the TUI reads a paste ending in a newline.
      await awaitScreen(
        async () => {
          tmux('send-keys', '-t', '0', 'Enter');
          await new Promise((resolve) => setTimeout(resolve, 500));
          return prompt() !== typed;
        },
        { timeoutMs: 60_000, what: `the TUI to take "${text}"` },
      );
    },
    stop: async () => {
      try {
        tmux('kill-server');
      } catch {
        // Already gone.
      }
      // The server's end hangs the TUI up; one that does not exit in time is killed.
      try {
        await until(() => !running(tui), { timeoutMs: 10_000, what: `the TUI (pid ${tui}) to exit` });
      } catch {
        process.kill(tui, 'SIGKILL');
        await until(() => !running(tui), { what: `the TUI (pid ${tui}) to die` });
      }
    },
  };
}

/** Whether `pid` runs (a zombie does not: in a container nobody may reap it). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
