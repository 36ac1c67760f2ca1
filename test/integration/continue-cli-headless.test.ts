import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reply, sse } from '../sim/orchids-simulator';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { sentErrorIds, sentToolResults, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { scriptCalls, seenCallId } from '../helpers/edit-scenarios';
import { tempDir } from '../helpers/temp-dir';
import { runContinue, type ContinueApi } from '../helpers/continue';

/**
 * The real Continue CLI's headless run (`cn -p`) on Generation B, in what the other cn tests leave out: its
 * `--format json`, and a tool that fails (cn 1.5.47 words every tool's failure `Error executing tool <name>: …` and
 * flags none of them).
 */
const stopAfter = stopsAfterEach();
const KEY = 'test-continue-headless-key';
const TIMEOUT = { timeout: 90_000 };
const WS = pinnedMode('ws');

describe('cn -p --format json through the proxy (pinned ws)', () => {
  it('prints a JSON answer as it is, and wraps any other', TIMEOUT, async () => {
    const stack = stopAfter(await startCliStack(WS, KEY));
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('as JSON')) return sse(reply('{"fruit": "FIG-7"}'));
      return seen.includes('in words') ? sse(reply('The fruit is FIG-7.')) : undefined;
    });
    const work = tempDir('orchids-continue-work-');
    const args = ['--format', 'json'];

    const json = await runContinue(work, 'Name the fruit as JSON', stack.url, KEY, { args });
    expect(json.code, json.stderr + json.stdout).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ fruit: 'FIG-7' });
    const words = await runContinue(work, 'Name the fruit in words', stack.url, KEY, { args });
    expect(words.code, words.stderr + words.stdout).toBe(0);
    expect(JSON.parse(words.stdout)).toEqual({
      response: 'The fruit is FIG-7.',
      status: 'success',
      note: 'Response was not valid JSON, so it was wrapped in a JSON object',
    });
  });
});

const ROUTES: ReadonlyArray<{ protocol: 'ws' | 'sse-b'; api: ContinueApi }> = [
  { protocol: 'ws', api: 'anthropic' },
  { protocol: 'sse-b', api: 'openai' },
];

describe.each(ROUTES)("a failed tool of cn's ($protocol, $api)", ({ protocol, api }) => {
  it('reaches the agent as an error in cn’s words: a missing file’s Read, a failing command', TIMEOUT, async () => {
    const stack = stopAfter(await startCliStack(pinnedMode(protocol), KEY));
    const work = tempDir('orchids-continue-work-');
    const missing = path.join(work, 'missing.txt');
    const openai = api === 'openai';
    const calls = [
      { id: 'toolu_sim_read_missing', name: 'Read', input: { file_path: missing } },
      { id: 'toolu_sim_ls_missing', name: 'Bash', input: { command: 'ls missing.txt' } },
    ];
    scriptCalls(stack, 'Look for missing.txt', calls, 'missing.txt is not there.', openai);

    const run = await runContinue(work, 'Look for missing.txt', stack.url, KEY, { api });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('missing.txt is not there.');
    const last = turnsAbout(stack, /Look for missing\.txt/).at(-1)!;
    expect(sentToolResults(last).map((r) => r.content)).toEqual([
      `Error executing tool Read: File does not exist: ${missing}`,
      "Error executing tool Bash: Error (exit code 2): ls: cannot access 'missing.txt': No such file or directory\n",
    ]);
    expect(sentErrorIds(last)).toEqual(calls.map((call) => seenCallId(call.id, openai)));
  });
});
