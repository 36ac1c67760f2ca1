import fs from 'node:fs';
import { CLINE, CLINE_MODEL, clineEnv, type ClineProvider } from './cline';
import { startTerminal, type Terminal } from './tmux-terminal';
import { holdsWithin, until } from './wait';

/**
 * Cline CLI's interactive window (`cline` with no prompt, in a project folder), in a terminal of its own (see
 * startTerminal), with the fresh home and switches of `cline --json`'s tests (see clineEnv): the proxy named as the
 * provider's base URL in its providers.json. Returned once the prompt is up; auto-approve is left as Cline starts it
 * (on: Shift+Tab turns it off). `args` are more of Cline's options: `-p` opens it in plan mode.
 */
export async function startClineTui(
  cwd: string,
  baseUrl: string,
  apiKey: string,
  provider: ClineProvider,
  args: string[] = [],
): Promise<Terminal> {
  const tui = startTerminal({
    cwd,
    // Cline 3.0.65 may open an advert for its subscription ("Try ClinePass … any other key to close") once its prompt
    // is up, which takes the next keys pressed: this switch of Cline's keeps it (and its other notices) closed.
    env: { PATH: process.env.PATH ?? '', ...clineEnv(baseUrl, apiKey, provider), CLINE_DISABLE_CLINE_PASS_NOTICE: '1' },
    command: [CLINE, '-P', provider, '-m', CLINE_MODEL, ...args],
    isolated: true,
    promptMark: '❯',
    promptLine,
  });
  // The window starts Cline's hub daemon whatever CLINE_SESSION_BACKEND_MODE says, detached, in a session of its own,
  // so the terminal's end leaves it running: it is ended too, found by the project folder it was started for.
  const stopTerminal = tui.stop;
  tui.stop = async () => {
    // The daemon is among the processes the window started, which the terminal's stop waits on, and it ignores the
    // hang-up (its own session): it is told to end while that wait runs, not after it timed out (10 s a window).
    const stopping = stopTerminal();
    await endHubDaemons(cwd);
    await stopping;
    // One the window started again as it went.
    await endHubDaemons(cwd);
  };
  await tui.waitFor(/What can I do for you\?|Ask anything/, 60_000);
  return tui;
}

/**
 * The prompt is the line under a rule of `─` that opens with `❯`: the messages sent above it open with ` ❯` too, and on
 * the first screen the prompt's box is centred, so it does not start the line.
 */
function promptLine(lines: string[]): string | undefined {
  const at = lines.findLastIndex((line, i) => i > 0 && /^\s*─+\s*$/.test(lines[i - 1]!) && /^\s*❯/.test(line));
  return at < 0 ? undefined : lines[at]!.trim();
}

/**
 * Turns Cline's auto-approve off (Shift+Tab), as a careful user does, so an edit or a command asks first. A key pressed
 * while the window is still settling can be lost: pressed again while the footer still says it is on (each press
 * toggles, so never once it says off).
 */
export async function autoApproveOff(tui: Terminal): Promise<void> {
  await until(
    async () => {
      if (/Auto-approve all disabled/.test(tui.screen())) return true;
      if (/Auto-approve all enabled/.test(tui.screen())) tui.press('BTab');
      // A second for the press to show, ended once it has: a fixed second made the call 1.4 s where it takes 0.5–0.7.
      return holdsWithin(1_000, () => /Auto-approve all disabled/.test(tui.screen()), 100);
    },
    { timeoutMs: 30_000, what: "Cline's footer to say auto-approve is off" },
  );
}

/** Ends the hub daemons Cline started for `cwd` (`cline --cline-hub-daemon --cwd <cwd> …`), each by its pid. */
async function endHubDaemons(cwd: string): Promise<void> {
  const daemons = fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return args.includes('--cline-hub-daemon') && args[args.indexOf('--cwd') + 1] === cwd;
      } catch {
        return false; // Gone meanwhile.
      }
    })
    .map(Number);
  for (const pid of daemons) process.kill(pid, 'SIGTERM');
  try {
    await until(() => daemons.every((pid) => !fs.existsSync(`/proc/${pid}`)), { what: "Cline's hub daemon to exit" });
  } catch {
    for (const pid of daemons) if (fs.existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
  }
}
