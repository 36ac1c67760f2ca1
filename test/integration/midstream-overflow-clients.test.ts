import { afterEach, describe, expect, it } from 'vitest';
import { sse } from '../sim/orchids-simulator';
import { connected, errorFrame, responseStarted } from '../sim/steps-gen-b';
import { answered, upstreamText } from '../helpers/upstream';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { runCodex } from '../helpers/codex';
import { OVERFLOW_ANSWER, OVERFLOW_PROMPT, overflowOnceRead, runClaude } from '../helpers/claude-code';

/**
 * The real Claude Code and Codex when Generation B refuses a conversation as too long after its preamble
 * (`connected`, `response_started`): the case midstream-overflow.test.ts holds with the SDKs, here with the clients
 * that act on it. On ws, the protocol Orchids serves by default.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const refusedAfterPreamble = (pause: number) =>
  sse([...connected(), ...responseStarted(), { delayMs: pause }, ...errorFrame('bad_request', 'input is too long')]);

describe('a context overflow after the upstream’s preamble, with the real clients (ws)', () => {
  it('Claude Code compacts and goes on, having sent the too-long conversation once', { timeout: 90_000 }, async () => {
    stack = await startStack({ protocol: 'ws' });
    stack.core.settings.set('apiKey', 'test-claude-code-key');
    const work = tempDir('orchids-cc-work-');
    stack.sim.onAgentRequest(overflowOnceRead(work, 'toolu_sim_read_0031', () => refusedAfterPreamble(80)));

    const result = await runClaude(work, OVERFLOW_PROMPT, {
      ANTHROPIC_BASE_URL: stack.url,
      ANTHROPIC_API_KEY: 'test-claude-code-key',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ is_error: false, result: OVERFLOW_ANSWER });
    // The tool call, the refused turn, the summary request, the turn on the summary. Told by a 200 whose stream ends
    // in an error event, Claude Code 2.1 sent the refused conversation a second time, unstreamed, before compacting.
    const turns = answered(stack.sim.requests)
      .map(upstreamText)
      .filter((t) => t.includes('notes.txt'));
    expect(turns.map((t) => (/provide your summary/i.test(t) ? 'summary' : 'turn'))).toEqual([
      'turn',
      'turn',
      'summary',
      'turn',
    ]);
    await stack.core.internals.history.flushNow();
    const refused = stack.core.internals.historyRepo.query({}).filter((row) => row.status === 400);
    expect(refused).toEqual([expect.objectContaining({ stream: true, errorType: 'invalid_request_error' })]);
  });

  it('Codex says it ran out of room when the overflow comes after its stream began', { timeout: 90_000 }, async () => {
    // A ping every 100 ms commits the 200 before the refusal. Codex 0.171 reads either of what ends the stream, both
    // saying context_length_exceeded: response.failed's code (alone it suffices, tried by hand) or the error event's.
    stack = await startStack({ protocol: 'ws', core: { pingIntervalMs: 100 } });
    stack.core.settings.set('apiKey', 'test-codex-key');
    stack.sim.onAgentRequest((req) => (upstreamText(req).includes('MANGO-5') ? refusedAfterPreamble(500) : undefined));
    const run = await runCodex(tempDir('orchids-codex-work-'), 'Say MANGO-5.', stack.url, 'test-codex-key', {
      catalog: 'provider',
    });
    const failure = run.events.find((e) => e.type === 'turn.failed') as { error?: { message: string } } | undefined;
    expect(failure?.error?.message).toMatch(/ran out of room in the model's context window/);
    await stack.core.internals.history.flushNow();
    expect(stack.core.internals.historyRepo.query({})[0]).toMatchObject({ status: 400, api: 'openai-responses' });
  });
});
