import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinnedMode } from '../helpers/upstream';
import { replayedToolUses, sentErrorIds, sentToolResults, turnsAbout } from '../helpers/cli-clients';
import { scriptCalls, seenCallId } from '../helpers/edit-scenarios';
import { tempDir } from '../helpers/temp-dir';
import { PI_APIS, piAgentDir, piStack, runPi } from '../helpers/pi';

/**
 * The real pi (`pi` 0.73.1) going on with a session: a second `pi -p` with `--continue` sends the first run's whole
 * conversation, its calls in pi's own tools' names and keys, which the proxy must give the agent whole for it to go
 * on.
 */
const KEY = 'test-pi-sessions-key';
const TIMEOUT = { timeout: 150_000 };
const WS = pinnedMode('ws');

describe('pi’s --continue through Orchids Tray (pinned ws)', () => {
  const stack = piStack(WS, KEY);

  for (const [api, topic] of PI_APIS) {
    it(
      `gives the agent the first run’s calls and answers in the second, and runs its new calls, on ${api}`,
      TIMEOUT,
      async () => {
        const openai = api === 'openai-completions';
        const work = tempDir('orchids-pi-work-');
        const file = path.join(work, 'plan.txt');
        fs.writeFileSync(file, 'step one: MANGO\n');
        const agentDir = piAgentDir(stack().url);
        const first = [
          { id: `toolu_sim_sread_${topic}`, name: 'Read', input: { file_path: file } },
          { id: `toolu_sim_sbash_${topic}`, name: 'Bash', input: { command: 'echo half-done; exit 3' } },
        ];
        scriptCalls(stack(), `Start plan ${topic}`, first, 'Started.', openai);
        const one = await runPi(work, `Start plan ${topic}`, stack().url, KEY, api, { agentDir });
        expect(one.code, one.stderr + one.stdout).toBe(0);
        expect(one.answer).toBe('Started.');

        const second = [
          {
            id: `toolu_sim_sedit_${topic}`,
            name: 'Edit',
            input: { file_path: file, old_string: 'MANGO', new_string: 'FIG' },
          },
        ];
        scriptCalls(stack(), `Finish plan ${topic}`, second, 'Finished.', openai);
        const two = await runPi(work, `Finish plan ${topic}`, stack().url, KEY, api, { agentDir, continue: true });
        expect(two.code, two.stderr + two.stdout).toBe(0);
        expect(two.answer).toBe('Finished.');
        expect(fs.readFileSync(file, 'utf8')).toBe('step one: FIG\n');

        const last = turnsAbout(stack(), new RegExp(`Finish plan ${topic}`)).at(-1)!;
        const messages = last.body.messages as Array<{ role: string; content: unknown }>;
        const said = JSON.stringify(messages);
        expect(said.indexOf(`Start plan ${topic}`)).toBeLessThan(said.indexOf('Started.'));
        expect(said.indexOf('Started.')).toBeLessThan(said.indexOf(`Finish plan ${topic}`));
        // The first run's calls as pi ran them, in its names and keys, then the second's.
        expect(replayedToolUses(last).map((u) => [u.name, u.input])).toEqual([
          ['read', { path: file }],
          ['bash', { command: 'echo half-done; exit 3' }],
          ['edit', { path: file, edits: [{ oldText: 'MANGO', newText: 'FIG' }] }],
        ]);
        const ids = [...first, ...second].map((c) => seenCallId(c.id, openai));
        expect(sentToolResults(last).map((r) => r.tool_use_id)).toEqual(ids);
        expect(sentErrorIds(last)).toEqual([ids[1]]);
        expect(JSON.stringify(sentToolResults(last)[0]!.content)).toContain('step one: MANGO');
      },
    );
  }
});
