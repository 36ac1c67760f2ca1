import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { answered, pinnedMode, upstreamText } from '../helpers/upstream';
import { tempDir } from '../helpers/temp-dir';
import { runClaude, streamJsonEvents, streamJsonUserLine } from '../helpers/claude-code';
import { sentToolResults, served, startCliStack } from '../helpers/cli-clients';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { RED_SQUARE_PNG } from '../helpers/pictures';

/**
 * Pictures from the real Claude Code 2.1.332 (`claude -p`) through the proxy on Generation B's WebSocket: one the
 * agent's Read opens (Claude Code answers a PNG with an image block in the tool result) and one the user sends with the
 * prompt (`--input-format stream-json`, as a script or an SDK does). The spec (§4.2, §4.3) treats them differently: a
 * message's own image loses `source.type`, a tool result's content goes as the client wrote it, in the block and in
 * its `ToolResults` copy.
 */
const stopAfter = stopsAfterEach();
const KEY = 'test-claude-code-key';
const WS = pinnedMode('ws');

const CALL = 'toolu_sim_png_0001';

type Block = Record<string, unknown>;

/** Every image block a turn sent upstream in a message's own content (not inside a tool result). */
function messageImages(request: AgentRequestInfo): Block[] {
  return (request.body.messages as Array<{ content: unknown }>)
    .flatMap((m) => (Array.isArray(m.content) ? (m.content as Block[]) : []))
    .filter((b) => b.type === 'image');
}

describe('Claude Code sends pictures to Generation B (pinned ws)', () => {
  it(
    'sends the PNG its Read opened as an image in the tool result, and the turn completes',
    { timeout: 90_000 },
    async () => {
      const stack = stopAfter(await startCliStack(WS, KEY));
      const work = tempDir('orchids-cc-work-');
      const chart = path.join(work, 'chart.png');
      fs.writeFileSync(chart, Buffer.from(RED_SQUARE_PNG, 'base64'));
      stack.sim.onAgentRequest((req) => {
        if (!upstreamText(req).includes('chart.png')) return undefined;
        const image = sentToolResults(req)
          .filter((r) => r.tool_use_id === CALL)
          .flatMap((r) => (Array.isArray(r.content) ? (r.content as Block[]) : []))
          .find((b) => b.type === 'image');
        if (image) return sse(reply('A grey square.'));
        if (JSON.stringify(req.body).includes(CALL)) return sse(reply('No picture came through.'));
        return sse([...toolCall({ id: CALL, name: 'Read', input: { file_path: chart } }), ...finish('tool-calls')]);
      });

      const result = await runClaude(work, 'What does chart.png in this folder show?', {
        ANTHROPIC_BASE_URL: stack.url,
        ANTHROPIC_API_KEY: KEY,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ is_error: false, num_turns: 2, result: 'A grey square.' });
      const turns = answered(stack.sim.requests).filter((r) => upstreamText(r).includes('chart.png'));
      expect(turns).toHaveLength(2);
      // The tool result's content as Claude Code wrote it (spec §4.3: copied as parsed), `source.type` kept, in the
      // block and again in the message's ToolResults entry.
      const sent = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: RED_SQUARE_PNG } };
      const readResult = sentToolResults(turns[1]!).find((r) => r.tool_use_id === CALL);
      expect(readResult?.content).toContainEqual(sent);
      const entries = (turns[1]!.body.messages as Array<{ ToolResults?: Block[] }>).flatMap((m) => m.ToolResults ?? []);
      expect(entries.find((e) => e.ToolUseID === CALL)?.Content).toContainEqual(sent);
      // Only the tool result holds it: no image went up in a message's own content.
      expect(messageImages(turns[1]!)).toEqual([]);
      expect((await served(stack)).map((r) => r.status)).toEqual([200, 200]);
    },
  );

  it(
    'sends a picture given with a stream-json prompt as the message image the spec writes',
    { timeout: 90_000 },
    async () => {
      const stack = stopAfter(await startCliStack(WS, KEY));
      stack.sim.onAgentRequest((req) => {
        const [image] = messageImages(req);
        return sse(reply(image ? 'A grey square.' : 'No picture came through.'));
      });

      const picture = { type: 'base64', media_type: 'image/png', data: RED_SQUARE_PNG };
      const result = await runClaude(
        tempDir('orchids-cc-work-'),
        '',
        { ANTHROPIC_BASE_URL: stack.url, ANTHROPIC_API_KEY: KEY },
        {
          stream: true,
          stdin: streamJsonUserLine([
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image', source: picture },
          ]),
        },
      );
      expect(result.code, result.stderr).toBe(0);
      const events = streamJsonEvents(result.stdout);
      expect(events.at(-1)).toMatchObject({ type: 'result', is_error: false, result: 'A grey square.' });
      const [turn] = answered(stack.sim.requests);
      // Spec §4.3: the message's image keeps its media type and data, and drops `source.type`.
      expect(messageImages(turn!)).toEqual([
        { source: { data: RED_SQUARE_PNG, media_type: 'image/png' }, type: 'image' },
      ]);
      expect(upstreamText(turn!)).toContain('What is in this picture?');
    },
  );
});
