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

/** A real client's run, some seconds, given room. */
const RUN = { timeout: 90_000 };

/**
 * Claude Code's overflowOnceRead conversation with its refusal `pause` ms after the preamble, checked to end in
 * OVERFLOW_ANSWER after the upstream saw `turns` (each a turn on the conversation or the summary request).
 */
async function claudeCompacts(readId: string, pause: number, env: Record<string, string>, turns: string[]) {
  stack.core.settings.set('apiKey', 'test-claude-code-key');
  const work = tempDir('orchids-cc-work-');
  stack.sim.onAgentRequest(overflowOnceRead(work, readId, () => refusedAfterPreamble(pause)));
  const result = await runClaude(work, OVERFLOW_PROMPT, {
    ANTHROPIC_BASE_URL: stack.url,
    ANTHROPIC_API_KEY: 'test-claude-code-key',
    ...env,
  });
  expect(result.code, result.stderr).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ is_error: false, result: OVERFLOW_ANSWER });
  const seen = answered(stack.sim.requests)
    .map(upstreamText)
    .filter((t) => t.includes('notes.txt'));
  expect(seen.map((t) => (/provide your summary/i.test(t) ? 'summary' : 'turn'))).toEqual(turns);
}

/** The history's 400s, oldest first. */
async function refusedRows() {
  await stack.core.internals.history.flushNow();
  return stack.core.internals.historyRepo
    .query({})
    .filter((row) => row.status === 400)
    .reverse();
}

describe('a context overflow after the upstream’s preamble, with the real clients (ws)', () => {
  it('Claude Code compacts and goes on, having sent the too-long conversation once', RUN, async () => {
    stack = await startStack({ protocol: 'ws' });
    // The tool call, the refused turn, the summary request, the turn on the summary. Told by a 200 whose stream ends
    // in an error event, Claude Code 2.1 sent the refused conversation a second time, unstreamed, before compacting.
    await claudeCompacts('toolu_sim_read_0031', 80, {}, ['turn', 'turn', 'summary', 'turn']);
    expect(await refusedRows()).toEqual([
      expect.objectContaining({ stream: true, errorType: 'invalid_request_error' }),
    ]);
  });

  it('Claude Code’s unstreamed resend after a ping is answered by the proxy, then it compacts', RUN, async () => {
    // A ping every 100 ms commits the 200 before the refusal 400 ms in. Neither the client's API nor the upstream
    // protocol matters past that point: SseResponder, on the client's side of the proxy, writes the ping and the
    // error event alike whichever protocol carried the turn (midstream-overflow.test.ts holds that with the SDK on
    // each), so ws alone.
    stack = await startStack({ protocol: 'ws', core: { pingIntervalMs: 100 } });
    // The tool call, the refused turn (a 200 ending in an error event), the summary request, the turn on the summary.
    // Claude Code 2.1.332 takes any bad request that ends a stream before a block finished as cause to send it once
    // more unstreamed; the proxy cannot take back the 200, but answers that resend with the same refusal itself.
    await claudeCompacts('toolu_sim_read_0032', 400, {}, ['turn', 'turn', 'summary', 'turn']);
    const [streamed, resent] = await refusedRows();
    expect(streamed).toMatchObject({ stream: true, errorType: 'invalid_request_error', protocol: 'ws' });
    // The resend: the proxy's own answer, no account and no upstream, in the same words.
    expect(resent).toMatchObject({
      stream: false,
      errorType: 'invalid_request_error',
      errorMessage: streamed!.errorMessage,
      accountsTried: [],
      protocol: null,
    });
    expect(await refusedRows()).toHaveLength(2);
  });

  it('Claude Code with its non-streaming fallback off compacts at once after a ping', RUN, async () => {
    stack = await startStack({ protocol: 'ws', core: { pingIntervalMs: 100 } });
    const noFallback = { CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK: '1' };
    await claudeCompacts('toolu_sim_read_0033', 400, noFallback, ['turn', 'turn', 'summary', 'turn']);
    expect(await refusedRows()).toEqual([expect.objectContaining({ stream: true })]);
  });

  it('Codex says it ran out of room when the overflow comes after its stream began', RUN, async () => {
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
