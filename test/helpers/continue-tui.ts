import fs from 'node:fs';
import path from 'node:path';
import { config, CONTINUE, continueEnv, type ContinueApi } from './continue';
import { tempDir } from './temp-dir';
import { startTerminal, type Terminal } from './tmux-terminal';

/**
 * Continue's interactive window (`cn --config <file>`, no `-p`), as a user runs it in a project folder, in a terminal
 * of its own (see `startTerminal`), with the fresh home and switches of `cn -p`'s tests (see continueEnv) and the
 * config.yaml README gives, through `api`. With a config file named, cn 1.5.47 asks no first-run questions. `home`
 * is cn's home (a fresh one by default), where an earlier run left the session `--resume` picks up; `args` more of
 * cn's flags.
 */
export function startContinueTui(
  cwd: string,
  baseUrl: string,
  apiKey: string,
  api: ContinueApi,
  { home = tempDir('orchids-continue-home-'), args = [] }: { home?: string; args?: string[] } = {},
): Terminal {
  const configFile = path.join(home, 'config.yaml');
  fs.writeFileSync(configFile, config(baseUrl, apiKey, api));
  return startTerminal({
    cwd,
    env: continueEnv(home),
    command: [CONTINUE, '--config', configFile, ...args],
    isolated: true,
    promptMark: '●',
    promptLine,
  });
}

/**
 * cn's prompt sits in a box (`│ ● <text>▋ … │`) whose mark also opens each message above it: the prompt is the
 * last boxed line opening with the mark, its cursor and the box's edge taken off. Its placeholder reads as empty.
 */
function promptLine(lines: string[]): string | undefined {
  const line = lines.findLast((l) => /^│ ● /.test(l));
  if (line === undefined) return undefined;
  const text = line
    .replace(/^│ ● /, '')
    .replace(/│\s*$/, '')
    .replace(/▋/g, '')
    .replace(/Ask anything, @ for context, \/ for slash commands, ! for shell mode/, '')
    .trimEnd();
  return `● ${text}`.trimEnd();
}
