import { config, OPENCODE, opencodeHome, type OpencodeApi } from './opencode';
import { startTerminal, type Terminal } from './tmux-terminal';
import { holdsWithin, until } from './wait';

/**
 * opencode's interactive TUI, as a user runs it (`opencode` in a project folder), in a terminal of its own (see
 * `startTerminal`), with the fresh home and switches of `opencode run`'s tests (see opencodeHome): the proxy named as
 * a provider in its opencode.json, through `api`. The TUI sends what `opencode run --title` does not: a title request
 * of its own beside the first turn, which names the terminal (`OC | <title>`).
 */
export function startOpencodeTui(cwd: string, baseUrl: string, apiKey: string, api: OpencodeApi): Terminal {
  return startTerminal({
    cwd,
    env: { ...(opencodeHome(config(baseUrl, apiKey, api)) as Record<string, string>) },
    command: [OPENCODE],
    isolated: true,
    promptMark: '┃',
    promptLine: promptLine,
  });
}

/**
 * opencode's prompt sits in a box whose left edge (`┃`) also marks the sent messages above it: its text is two lines
 * above the box's line naming the agent and the model (`Build · …`), and the sidebar may write on the same line,
 * further right.
 */
function promptLine(lines: string[]): string | undefined {
  const agentLine = lines.findLastIndex((line) => /^\s*┃\s+Build · /.test(line));
  if (agentLine < 2) return undefined;
  const text = lines[agentLine - 2]!.replace(/^\s*┃/, '')
    .trim()
    .split(/\s{3,}/)[0]!;
  return `┃ ${text}`.trimEnd();
}

/** The answers opencode's permission question offers, left to right. */
const PERMISSION_ANSWERS = ['Allow once', 'Allow always', 'Reject'] as const;

/**
 * Picks `answer` in the permission question opencode shows (`Permission required`), with the arrow keys and Enter,
 * once the question is gone. opencode marks the chosen answer by colour alone, so its coloured screen is read: each
 * arrow is pressed again only once the one before has moved the mark (or has not within a second), and Enter once the
 * mark is on `answer`. DECISION: polled rather than paused 700 ms after each key, which cost 2.1 s a question and on a
 * loaded machine could still be too short; one arrow too many, pressed again when a redraw comes late, is undone
 * with the other arrow. Enter is pressed once: a second one would go to what follows the question (the box for a
 * reason, or the prompt).
 */
export async function answerOpencodePermission(
  terminal: Terminal,
  answer: (typeof PERMISSION_ANSWERS)[number],
): Promise<void> {
  await terminal.waitFor(/Permission required[\s\S]*Reject/, 30_000);
  const target = PERMISSION_ANSWERS.indexOf(answer);
  const chosen = () => chosenAnswer(terminal.styledScreen());
  await until(
    async () => {
      const at = chosen();
      if (at === target) return true;
      if (at !== undefined) {
        terminal.press(at < target ? 'Right' : 'Left');
        await holdsWithin(1_000, () => chosen() !== at, 50);
      }
      return false;
    },
    { timeoutMs: 30_000, pollMs: 50, what: `opencode's mark on ${answer}` },
  );
  terminal.press('Enter');
  await until(() => chosen() === undefined && !PERMISSION_ROW.test(terminal.screen()), {
    timeoutMs: 30_000,
    pollMs: 50,
    what: `opencode to take ${answer}`,
  });
}

/** The row of the permission question's answers, as the plain screen shows it. */
const PERMISSION_ROW = new RegExp(PERMISSION_ANSWERS.join('\\s+'));

/**
 * Which of the permission question's answers the coloured `screen` (tmux `capture-pane -e`) marks as chosen, by its
 * index: the one drawn on a background of its own (the others share the row's). None when no row of the answers
 * shows, or no one answer stands out.
 */
export function chosenAnswer(screen: string): number | undefined {
  for (const line of screen.split('\n')) {
    const cells = backgrounds(line);
    const plain = cells.map((cell) => cell.char).join('');
    if (!PERMISSION_ROW.test(plain)) continue;
    const marks = PERMISSION_ANSWERS.map((label) => cells[plain.indexOf(label)]!.background);
    const chosen = marks.flatMap((mark, index) =>
      marks.filter((other) => other === mark).length === 1 ? [index] : [],
    );
    return chosen.length === 1 ? chosen[0] : undefined;
  }
  return undefined;
}

/** A line of the coloured screen as its characters, each with the background it is drawn on (as its SGR codes). */
function backgrounds(line: string): { char: string; background: string }[] {
  const cells: { char: string; background: string }[] = [];
  let background = '';
  let at = 0;
  while (at < line.length) {
    if (line.startsWith('\x1b[', at)) {
      // A control sequence: parameters, then the letter that ends it (`m` sets colours; tmux writes no other here).
      let end = at + 2;
      while (end < line.length && !/[A-Za-z]/.test(line[end]!)) end++;
      if (line[end] === 'm') background = backgroundAfter(background, line.slice(at + 2, end));
      at = end + 1;
      continue;
    }
    // By UTF-16 unit, as the plain text's indexes count.
    cells.push({ char: line[at]!, background });
    at += 1;
  }
  return cells;
}

/** The background after an SGR sequence's `params` (`48;5;215`, `0`, `38;5;8;48;5;234`), from `background`. */
function backgroundAfter(background: string, params: string): string {
  const codes = params === '' ? ['0'] : params.split(';');
  let now = background;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === '0' || code === '49') now = '';
    else if (code === '38' || code === '48') {
      // An extended colour: 5;n or 2;r;g;b, a foreground's skipped as a background's is kept.
      const length = codes[i + 1] === '5' ? 2 : codes[i + 1] === '2' ? 4 : 0;
      if (code === '48') now = codes.slice(i, i + 1 + length).join(';');
      i += length;
    } else if (/^(4[0-7]|10[0-7])$/.test(code)) now = code;
  }
  return now;
}
