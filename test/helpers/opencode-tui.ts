import { config, OPENCODE, opencodeHome, type OpencodeApi } from './opencode';
import { startTerminal, type Terminal } from './tmux-terminal';

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
