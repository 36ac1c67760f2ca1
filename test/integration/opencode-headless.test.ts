import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { finish, reply, sse, textParts, thinking, toolCall } from '../sim/orchids-simulator';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { replayedToolUse, sentToolResults, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runOpencode } from '../helpers/opencode';
import { RED_SQUARE_PNG } from '../helpers/pictures';

/**
 * The real opencode CLI's headless run (`opencode run --format json`) on Generation B (`ws`), in what the other
 * opencode tests leave out: its JSON event stream with the agent's thinking (`--thinking`, for a model entry with
 * `reasoning` run with `--variant high`), a picture attached with `--file`, and the agent's WebFetch run by opencode's
 * `webfetch`.
 */
const stopAfter = stopsAfterEach();
const KEY = 'test-opencode-headless-key';
const WS = pinnedMode('ws');

describe("opencode run's headless features through the proxy (pinned ws)", () => {
  it(
    'prints the agent’s thinking, text and tool call as JSON events, in order, each once',
    { timeout: 90_000 },
    async () => {
      const stack = stopAfter(await startCliStack(WS, KEY));
      const work = tempDir('orchids-opencode-work-');
      const notes = path.join(work, 'notes.txt');
      fs.writeFileSync(notes, 'The tide turns at 16:20.\n');
      const call = 'toolu_sim_tide_0001';
      stack.sim.onAgentRequest((req) => {
        if (!upstreamText(req).includes('tide')) return undefined;
        if (!JSON.stringify(req.body).includes(call)) {
          return sse([
            ...thinking('The notes should say.', { chunks: 3, signature: 'sim-signature-1' }),
            ...textParts(['Let me ', 'check ', 'the notes.']),
            ...toolCall({ id: call, name: 'Read', input: { file_path: notes }, chunks: 3 }),
            ...finish('tool-calls'),
          ]);
        }
        return sse([
          ...thinking('They name the hour.', { chunks: 2 }),
          ...textParts(['The tide ', 'turns at 16:20.']),
          ...finish(),
        ]);
      });

      const run = await runOpencode(work, 'When does the tide turn?', stack.url, KEY, {
        model: { reasoning: true },
        args: ['--variant', 'high', '--thinking'],
      });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      const told = run.events.map((e) => [e.type, e.part?.text ?? e.part?.tool ?? e.part?.reason]);
      expect(told).toEqual([
        ['step_start', undefined],
        ['reasoning', 'The notes should say.'],
        ['text', 'Let me check the notes.'],
        ['tool_use', 'read'],
        ['step_finish', 'tool-calls'],
        ['step_start', undefined],
        ['reasoning', 'They name the hour.'],
        ['text', 'The tide turns at 16:20.'],
        ['step_finish', 'stop'],
      ]);
      // opencode sent the signed thinking back with its turn, which goes upstream as Generation B's thinking marker.
      const [, second] = turnsAbout(stack, /tide/);
      const assistant = (second!.body.messages as Array<{ role: string; content: Array<{ type: string }> }>).find(
        (m) => m.role === 'assistant',
      );
      expect(assistant?.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use']);
    },
  );

  it('sends a picture attached with --file as an image', { timeout: 90_000 }, async () => {
    const stack = stopAfter(await startCliStack(WS, KEY));
    const work = tempDir('orchids-opencode-work-');
    const picture = path.join(work, 'picture.png');
    fs.writeFileSync(picture, Buffer.from(RED_SQUARE_PNG, 'base64'));
    stack.sim.onAgentRequest((req) => (upstreamText(req).includes('What colour') ? sse(reply('Red.')) : undefined));

    // `--file` takes any number of files: `--` ends them, and the prompt follows.
    const run = await runOpencode(work, 'What colour is it?', stack.url, KEY, { args: ['--file', picture, '--'] });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('Red.');
    // opencode sends the file as the result of a read it says it made, in the user's message, before the prompt.
    const [turn, ...more] = turnsAbout(stack, /What colour/);
    expect(more).toEqual([]);
    const [message] = turn!.body.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    expect(message!.content).toEqual([
      { type: 'text', text: `Called the Read tool with the following input: {"filePath":"${picture}"}` },
      { type: 'text', text: 'Image read successfully' },
      { type: 'image', source: { media_type: 'image/png', data: RED_SQUARE_PNG } },
      { type: 'text', text: '"What colour is it?"' },
    ]);
  });

  it('runs the agent’s WebFetch as its webfetch, and the agent reads the page', { timeout: 90_000 }, async () => {
    const stack = stopAfter(await startCliStack(WS, KEY));
    const page = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body><h1>Release notes</h1><p>Version QUINCE-3 ships today.</p></body></html>');
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    stopAfter({ stop: () => new Promise<void>((resolve) => page.close(() => resolve())) });
    const url = `http://127.0.0.1:${(page.address() as AddressInfo).port}/notes`;
    const call = 'toolu_sim_fetch_0001';
    const input = { url, prompt: 'Which version ships?' };
    stack.sim.onAgentRequest((req) => {
      if (!upstreamText(req).includes('release notes')) return undefined;
      if (JSON.stringify(req.body).includes(call)) return sse(reply('QUINCE-3 ships today.'));
      return sse([...toolCall({ id: call, name: 'WebFetch', input }), ...finish('tool-calls')]);
    });

    const run = await runOpencode(
      tempDir('orchids-opencode-work-'),
      `Read the release notes at ${url}`,
      stack.url,
      KEY,
    );
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('QUINCE-3 ships today.');
    // opencode's webfetch takes the agent's input as it is (its format defaults to markdown; the prompt it ignores).
    expect(run.tools).toEqual([
      expect.objectContaining({
        tool: 'webfetch',
        callID: call,
        state: expect.objectContaining({ status: 'completed', input }),
      }),
    ]);
    const [, second] = turnsAbout(stack, /release notes/);
    expect(replayedToolUse(second!)).toMatchObject({ id: call, name: 'webfetch' });
    expect(sentToolResults(second!)).toEqual([
      expect.objectContaining({ tool_use_id: call, content: '# Release notes\n\nVersion QUINCE-3 ships today.' }),
    ]);
  });
});
