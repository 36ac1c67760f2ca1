import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { finish, reply, sse, text, type AgentRequestInfo, type SimStep } from '../sim/orchids-simulator';
import { served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import type { OpencodeApi } from '../helpers/opencode';
import { startOpencodeTui } from '../helpers/opencode-tui';
import type { Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import type { Terminal } from '../helpers/tmux-terminal';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import { until } from '../helpers/wait';
import { RED_SQUARE_PNG } from '../helpers/pictures';

/**
 * opencode's interactive TUI through the proxy, as a user at the keyboard meets it (the other opencode tests run
 * `opencode run`, tools included): the session's title asked for in a request of its own, an answer stopped
 * mid-stream with Esc (twice, as opencode asks), and a turn after it with a picture pasted into the prompt. One stack
 * per Generation B transport, each through one of opencode's two providers (Messages and Chat Completions).
 */
let stack: Stack;
let tui: Terminal | undefined;
const stopAfter = stopsAfterEach();

const KEY = 'test-opencode-tui-key';
/** opencode's title request: its own system prompt, the user's first message after it. */
const TITLE = /You are a title generator/;

/** The content blocks of the newest user message (Generation B sends the messages themselves, text as a string too). */
function lastUserBlocks(request: AgentRequestInfo): Array<Record<string, unknown>> {
  const messages = request.body.messages as Array<{ role: string; content: unknown }>;
  const content = messages.filter((m) => m.role === 'user').at(-1)?.content;
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? (content as Array<Record<string, unknown>>) : [];
}

/** A story told a chapter a second, for a minute: the user stops it long before its end. */
function story(): SimStep[] {
  return Array.from({ length: 60 }, (_, i) => [...text(`Chapter ${i} of the story. `), { delayMs: 1000 }]).flat();
}

const CASES: ReadonlyArray<{ protocol: 'ws' | 'sse-b'; api: OpencodeApi }> = [
  { protocol: 'ws', api: 'anthropic' },
  { protocol: 'sse-b', api: 'openai-chat' },
];

describe.each(CASES)("opencode's TUI through the proxy ($protocol, $api)", ({ protocol, api }) => {
  it('names the session, stops on Esc, and sees a pasted picture the next turn', { timeout: 120_000 }, async () => {
    stack = stopAfter(await startCliStack(pinnedMode(protocol), KEY));
    const work = tempDir('orchids-opencode-work-');
    const picture = path.join(work, 'picture.png');
    fs.writeFileSync(picture, Buffer.from(RED_SQUARE_PNG, 'base64'));
    stack.sim.onAgentRequest((req) => {
      if (TITLE.test(upstreamText(req))) return sse(reply('A story and a picture'));
      const last = lastUserBlocks(req);
      const image = last.find((b) => b.type === 'image') as { source?: { data?: string } } | undefined;
      if (image) return sse(reply(image.source?.data === RED_SQUARE_PNG ? 'A red square.' : 'Another picture.'));
      if (JSON.stringify(last).includes('[Image 1]')) return sse(reply('No picture came through.'));
      if (JSON.stringify(last).includes('Tell me a long story')) return sse([...story(), ...finish()]);
      return undefined;
    });
    tui = stopAfter(startOpencodeTui(work, stack.url, KEY, api));

    // opencode's start (a 180 MB binary) takes seconds, more on a busy machine: its prompt's placeholder says it is up.
    await tui.waitFor(/Ask anything/, 60_000);
    await tui.submit('Tell me a long story');
    await tui.waitFor(/Chapter 1 of the story\./, 30_000);
    tui.press('Escape');
    await tui.waitFor(/esc again to interrupt/);
    tui.press('Escape');
    await tui.waitFor(/interrupted/);
    // The proxy let the upstream stream go with the client's: nothing of it is still in flight, and its row says so.
    await until(() => stack.core.internals.server.inflightRequests === 0, { what: 'the stopped stream to end' });
    expect((await served(stack)).filter((r) => r.status !== 200)).toEqual([
      { api, stream: true, status: 499, protocol },
    ]);
    // The title request, answered in plain text, names the session in the terminal's title.
    await until(() => tui!.title() === 'OC | A story and a picture', { what: `the terminal's title (${tui.title()})` });

    // A picture's path pasted into the prompt is attached as the picture itself, which goes upstream as an image
    // (opencode sends an error line in its place for a model whose entry does not say it takes pictures).
    tui.paste(picture);
    await tui.waitFor(/┃\s+\[Image 1\]/);
    tui.press('Enter');
    await tui.waitFor(/A red square\.|No picture came through\.|Another picture\./, 30_000);
    expect(tui.screen()).toContain('A red square.');
    // That turn carries what the user saw of the stopped answer, then the picture.
    const after = turnsAbout(stack, /\[Image 1\]/).at(-1)!;
    expect(upstreamText(after)).toContain('Chapter 1 of the story.');
    // Every other request (the title, the turns) answered in full on the pinned protocol.
    expect((await served(stack)).filter((r) => r.status !== 200 || r.protocol !== protocol)).toHaveLength(1);
  });
});
