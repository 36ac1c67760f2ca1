import { describe, expect, it } from 'vitest';
import type { UpstreamProtocol } from '../../main/core/upstream/protocol';
import {
  errorFrame,
  finish,
  httpError,
  reply,
  sse,
  text,
  toolCall,
  type AgentRequestInfo,
  type AgentResponse,
  type SimStats,
  type SimStep,
} from '../sim/orchids-simulator';
import { genAConversation, served, turnsAbout } from '../helpers/cli-clients';
import type { Stack } from '../helpers/stack';
import type { Terminal } from '../helpers/tmux-terminal';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { tempDir } from '../helpers/temp-dir';
import { answered, pinnedMode, upstreamText, type ProtocolMode } from '../helpers/upstream';
import { until } from '../helpers/wait';
import {
  branchSummaryCarriedOn,
  PI_APIS,
  PI_SERVED_API,
  piAgentDir,
  piStack,
  savedSessions,
  type PiApi,
  savedTexts,
  sideBranchThenTreeBack,
  startPiTui,
} from '../helpers/pi';
import { escapeRegExp } from '../helpers/regexp';

/**
 * pi's summaries (`pi` 0.73.1's window) through the proxy. `/tree`'s branch summary on the Chat Completions route, pi's
 * `openai-completions` provider, on `ws` and `sse-a` (pi-tui-branches.test.ts has it on the Messages API): a summary
 * stopped with Esc, whose upstream request must end with pi's, then "Summarize with custom prompt", whose instructions
 * must reach the upstream, and the summary sent on with the next prompt. One window for the three, as each costs
 * seconds. Then pi's compaction on `sse-b`, `ws` and `sse-a`, on each API: `/compact` with instructions, the
 * compaction pi starts itself when the usage the proxy reports (the upstream's figures) fills the model's context
 * window, and the one it starts when the upstream finds the conversation too long (a 400 on `sse-b` and `sse-a`, an
 * error frame on `ws`), after which pi sends the refused prompt again, then that prompt refused again, after which pi
 * gives up. Last, the Generation A body of `/compact`'s and the overflow's summary requests on `sse-a`, on each API,
 * as it is built apart.
 */
const stopAfter = stopsAfterEach();
const KEY = 'test-pi-tui-summaries-key';
const WS = pinnedMode('ws');

/** pi's words opening every summary request (branch-summarization.js). */
const SUMMARY_ASK = /Create a structured summary of this conversation branch/;
/** The custom instructions typed into pi's editor for them. */
const FOCUS = 'Name the token LEMON-3 in it';

/** A summary a line a second, for a minute: the user stops it long before its end. */
function slowSummary(): SimStep[] {
  return Array.from({ length: 60 }, (_, i) => [...text(`Summary line ${i}. `), { delayMs: 1000 }]).flat();
}

/**
 * The simulator's gauge of the upstream connections a streamed answer holds open in each mode: the WebSocket
 * (Generation B), the pooled HTTP connection (Generation A), one each here as pi's requests come one at a time. The
 * proxy ends a stopped answer's by closing it.
 */
const OPEN_UPSTREAM: Partial<Record<UpstreamProtocol, keyof SimStats>> = {
  ws: 'openWsSockets',
  'sse-a': 'openAgentConnections',
};
const SSE_A = pinnedMode('sse-a');

// DECISION: `ws`, the main upstream, and `sse-a`, whose Generation A body is built apart (its summary request is one
// rendered prompt); `sse-b` shares `ws`'s body and has the compactions below.
for (const mode of [WS, SSE_A]) {
  describeTreeSummary(mode);
}

function describeTreeSummary(mode: ProtocolMode): void {
  const gauge = OPEN_UPSTREAM[mode.expect]!;
  describe(`pi’s window through Orchids Tray, /tree’s branch summary on Chat Completions (${mode.name})`, () => {
    const stack = piStack(mode, KEY);

    it(
      'ends the upstream request of a summary stopped with Esc, then sends a custom prompt’s summary and goes on',
      { timeout: 180_000 },
      async () => {
        const agentDir = piAgentDir(stack().url);
        stack().sim.onAgentRequest((req) => {
          const seen = upstreamText(req);
          if (SUMMARY_ASK.test(seen)) {
            if (!seen.includes(`Additional focus: ${FOCUS}`)) return sse([...slowSummary(), ...finish()]);
            return sse(reply(seen.includes('SIDE-88') ? '## Goal\nThe side path gave LEMON-3.' : 'No branch seen.'));
          }
          if (seen.includes('What did the side path give?')) {
            return sse(
              reply(seen.includes('The side path gave LEMON-3.') ? 'It gave LEMON-3, as ROOT-12.' : 'Unknown.'),
            );
          }
          if (seen.includes('Try the side path')) return sse(reply('Side path tried with SIDE-88.'));
          if (seen.includes('Keep the word FIG')) return sse(reply('Kept FIG as GROVE-5.'));
          return undefined;
        });

        const tui = stopAfter(
          startPiTui(tempDir('orchids-pi-work-'), stack().url, KEY, 'openai-completions', { agentDir }),
        );
        await sideBranchThenTreeBack(tui, 'FIG');
        // Summarised: the summary streams for a minute, and Esc stops it.
        tui.press('Enter');
        await tui.waitFor(/Summarizing branch\.\.\./);
        await until(() => turnsAbout(stack(), SUMMARY_ASK).length === 1 && stack().sim.stats[gauge] === 1, {
          timeoutMs: 30_000,
          what: 'the summary request to stream upstream',
        });
        const stopped = upstreamText(turnsAbout(stack(), SUMMARY_ASK)[0]!);
        // pi's system prompt for it, sent as Chat Completions' system message, and the branch left behind.
        expect(stopped).toContain('context summarization assistant');
        expect(stopped).toMatch(/<conversation>[\s\S]*Try the side path[\s\S]*SIDE-88[\s\S]*<\/conversation>/);
        expect(stopped).not.toContain('Keep the word FIG');
        tui.press('Escape');
        // pi puts its tree back, the same entry chosen, and the proxy ends the upstream stream with pi's request.
        await tui.waitFor(/Branch summarization cancelled/, 30_000);
        await tui.waitFor(/Session Tree[\s\S]*› • assistant: Kept FIG as GROVE-5\./);
        await until(() => stack().sim.stats[gauge] === 0, {
          timeoutMs: 15_000,
          what: 'the upstream connection to close',
        });
        await until(() => stack().core.internals.server.inflightRequests === 0, { what: 'the stopped request to end' });
        await stack().core.internals.history.flushNow();
        expect(
          stack()
            .core.internals.historyRepo.query({})
            .map(({ api, stream, status, errorType, errorMessage }) => [api, stream, status, errorType, errorMessage]),
        ).toContainEqual(['openai-chat', true, 499, 'client_closed', 'The client closed the connection.']);

        // The same entry again, with a custom prompt this time: pi adds it to its own instructions.
        tui.press('Enter');
        await tui.waitFor(/Summarize branch\?\s+→ No summary/);
        tui.press('Down');
        tui.press('Down');
        await tui.waitFor(/→ Summarize with custom prompt/);
        tui.press('Enter');
        await tui.waitFor(/Custom summarization instructions/);
        tui.paste(FOCUS);
        await tui.waitFor(new RegExp(FOCUS));
        tui.press('Enter');
        await tui.waitFor(/Navigated to selected point/, 60_000);
        const asked = turnsAbout(stack(), SUMMARY_ASK);
        expect(asked).toHaveLength(2);
        const custom = upstreamText(asked[1]!);
        expect(custom).toContain(`Additional focus: ${FOCUS}`);
        expect(custom).toMatch(/<conversation>[\s\S]*Try the side path[\s\S]*SIDE-88[\s\S]*<\/conversation>/);
        expect(custom).not.toContain('Summary line 0.');
        await tui.waitFor(/\[branch\][\s\S]*Branch summary \(/);
        // pi goes on with the summary, nothing of the stopped one in it either.
        const sent = await branchSummaryCarriedOn(stack(), tui, 'FIG', 'LEMON-3');
        expect(sent).not.toContain('Summary line');
        // The stopped summary left nothing in the session file; the custom one is in it, after the shared turn.
        const [session, ...more] = savedSessions(agentDir);
        expect(more).toEqual([]);
        expect(savedTexts(session!)).toEqual([
          'user: Keep the word FIG',
          'assistant: Kept FIG as GROVE-5.',
          'user: Try the side path',
          'assistant: Side path tried with SIDE-88.',
          expect.stringMatching(/^summary: [\s\S]*The side path gave LEMON-3\./),
          'user: What did the side path give?',
          'assistant: It gave LEMON-3, as ROOT-12.',
        ]);

        // Newest first: the turn after, the custom summary, the stopped one, the two turns before.
        const rows = await served(stack());
        expect(rows.map((r) => [r.api, r.stream, r.status, r.protocol])).toEqual(
          [200, 200, 499, 200, 200].map((status) => ['openai-chat', true, status, mode.expect]),
        );
      },
    );
  });
}

/** pi's system prompt for every summary it asks for, a compaction's as a branch's (compaction/utils.js). */
const SUMMARIZER = /You are a context summarization assistant/;
/** pi's words closing a compaction's request: the first, and one folding new turns into the summary before. */
const COMPACT_ASK = /Create a structured context checkpoint summary/;
const UPDATE_ASK = /NEW conversation messages to incorporate into the existing summary/;
/** The turns after the first, short enough that pi keeps the last one whole when it compacts (see KEEP_RECENT). */
const SECOND = 'Second note: the moss is MOSS-31';
const THIRD = 'Third note: the fern is FERN-58';
/** The prompt the upstream refuses as too long, long enough (12 tokens by pi's count) to be the one turn pi keeps. */
const FOURTH = 'Fourth note: the reed is REED-94, by the pond.';
/** The instructions typed after `/compact`. */
const COMPACT_FOCUS = 'List every code word in capitals';
/**
 * pi's `compaction.keepRecentTokens` (default 20,000, which would keep a short session whole): the tokens of the
 * newest turns pi keeps as they are, counted as a quarter of their characters. 10 keeps the last answer (4) and
 * prompt (8) and summarises the rest.
 */
const KEEP_RECENT = 10;
/**
 * The input tokens the upstream reports for the third turn: past pi's line for compacting, the model's context window
 * (128,000 when `models.json` names none, as README's does) less `compaction.reserveTokens` (16,384).
 */
const FULL_INPUT = 120_000;

const SSE_B = pinnedMode('sse-b');

/**
 * The upstream's refusal of a conversation too long for the model, in each mode's own form: Generation B over SSE and
 * Generation A answer the request with a 400 whose body says so (protocol page 6), Generation B over a WebSocket has
 * no status after the upgrade and sends an error frame (gen-b §5.7) whose code and message carry the words.
 */
const TOO_LONG: Record<UpstreamProtocol, () => AgentResponse> = {
  ws: () => sse(errorFrame('context_window_exceeded', 'input is too long')),
  'sse-b': () => httpError(400, '{"error":"input is too long"}'),
  'sse-a': () => httpError(400, '{"error":"input is too long"}'),
};

/**
 * pi's window through `api`, in an agent dir whose compactions keep KEEP_RECENT tokens as they are, after two turns,
 * `Keep the word <word>` (which the simulator must end with `Kept <word> as <kept>.`) and SECOND (`Noted MOSS-31.`),
 * then `/compact` with instructions: pi summarises the first turn in a request of its own, the instructions added to
 * its own, and keeps the second as it is. Returns the window, the agent dir and pi's requests for a first summary.
 */
async function twoTurnsThenCompact(
  stack: Stack,
  api: PiApi,
  word: string,
  kept: string,
): Promise<{ tui: Terminal; agentDir: string; asks: AgentRequestInfo[] }> {
  const agentDir = piAgentDir(stack.url, { compaction: { keepRecentTokens: KEEP_RECENT } });
  const tui = stopAfter(startPiTui(tempDir('orchids-pi-work-'), stack.url, KEY, api, { agentDir }));
  await tui.waitFor(/pi v0\.73/, 60_000);
  await tui.submit(`Keep the word ${word}`);
  await tui.waitFor(new RegExp(`Kept ${word} as ${kept}\\.`), 60_000);
  await tui.submit(SECOND);
  await tui.waitFor(/Noted MOSS-31\./, 60_000);
  await tui.submit(`/compact ${COMPACT_FOCUS}`);
  await tui.waitFor(/\[compaction\][\s\S]*Compacted from [\d,]+ tokens/, 60_000);
  return { tui, agentDir, asks: turnsAbout(stack, COMPACT_ASK) };
}

/** What differs between the cases' overflows: the summaries either side of it, and the turns it folds. */
interface Overflow {
  /** The summary the refused prompt goes on (as much of it as the case checks), which pi's compaction folds into. */
  summaryBefore: string;
  /** The summary pi's compaction for the refusal gives, which the prompt sent again goes on. */
  summaryAfter: string;
  /** The turns since `summaryBefore` as they must appear in the compaction's conversation. */
  folded: RegExp;
  /** What the prompt sent again must not hold any more: the summary before and the turns folded into the new one. */
  dropped: RegExp;
}

/**
 * FOURTH, which the simulator refuses as too long until its conversation holds `summaryAfter`, and answers then with
 * `Noted REED-94 after compacting.`: pi shows the refusal as its error line (the proxy's words, in the API's error
 * body), compacts (the turns since `summaryBefore` folded into it, the refused prompt kept), then shows the new
 * summary and the answer to the prompt it sent again. Returns that prompt's request and pi's summary request for it.
 */
async function overflowCompacted(
  stack: Stack,
  tui: Terminal,
  protocol: UpstreamProtocol,
  { summaryBefore, summaryAfter, folded, dropped }: Overflow,
): Promise<{ retried: AgentRequestInfo; fold: AgentRequestInfo }> {
  await tui.submit(FOURTH);
  await tui.waitFor(/Noted REED-94 after compacting\./, 90_000);
  expect(tui.screen()).toMatch(
    new RegExp(
      `${FOURTH}\\s+Error: 400 [^\\n]*prompt is too long: the conversation does not fit[\\s\\S]*` +
        '\\[compaction\\]\\s+Compacted from [\\d,]+ tokens[\\s\\S]*Noted REED-94 after compacting\\.',
    ),
  );
  const fourth = turnsAbout(stack, new RegExp(FOURTH)).filter((r) => !SUMMARIZER.test(upstreamText(r)));
  expect(fourth.map((r) => r.protocol)).toEqual([protocol, protocol]);
  const [refused, retried] = fourth.map(upstreamText);
  expect(refused).toMatch(new RegExp(`<summary>\\s*${escapeRegExp(summaryBefore)}`));
  expect(refused).toContain('What do you keep?');
  expect(retried).toMatch(
    new RegExp(`compacted into the following summary:\\s*<summary>\\s*${escapeRegExp(summaryAfter)}`),
  );
  expect(retried).not.toMatch(dropped);
  const folds = turnsAbout(stack, new RegExp(`<previous-summary>\\s*${escapeRegExp(summaryBefore)}`));
  expect(folds).toHaveLength(1);
  const overflowAsk = upstreamText(folds[0]!);
  expect(overflowAsk).toMatch(UPDATE_ASK);
  expect(overflowAsk).toMatch(new RegExp(`<conversation>[\\s\\S]*${folded.source}[\\s\\S]*</conversation>`));
  expect(overflowAsk).not.toContain(FOURTH);
  return { retried: fourth[1]!, fold: folds[0]! };
}

/**
 * The app's history once the last request has ended (its row is written as it ends), newest first: a row of each of
 * `statuses`, every one streamed through `api` on `protocol`, and the one 400, the refusal, in the API's words.
 */
async function expectServedWithOneRefusal(
  stack: Stack,
  api: PiApi,
  protocol: UpstreamProtocol,
  statuses: number[],
): Promise<void> {
  await until(() => stack.core.internals.server.inflightRequests === 0, { what: 'the last request to end' });
  const rows = await served(stack);
  expect(rows.map((r) => [r.api, r.stream, r.status, r.protocol])).toEqual(
    statuses.map((status) => [PI_SERVED_API[api], true, status, protocol]),
  );
  expect(
    stack.core.internals.historyRepo
      .query({})
      .filter((r) => r.status === 400)
      .map(({ errorType, errorMessage }) => [errorType, errorMessage]),
  ).toEqual([['invalid_request_error', expect.stringMatching(/^prompt is too long: .*input is too long/)]]);
}

// Each mode and API its own app, so that one's requests and history rows are not the other's: Generation B's two
// transports (the overflow reaching the proxy as a status on one and a frame on the other) and Generation A, whose
// usage reaches the proxy in its own stream. DECISION: `sse-a` runs this whole case (about 5 s each) rather than
// only its full-context step, as the usage-driven compaction leaves the summaries the overflow steps then fold, and
// the case below keeps to what is Generation A's own, its summary requests' body.
for (const mode of [SSE_B, WS, SSE_A]) {
  for (const [api] of PI_APIS) {
    describeCompaction(mode, api);
  }
}

function describeCompaction(mode: ProtocolMode, api: PiApi): void {
  describe(`pi’s window through Orchids Tray, /compact, a full context, an overflow (${mode.name}, ${api})`, () => {
    const stack = piStack(mode, KEY);

    it(
      'sends pi’s summary requests upstream, keeps the summaries and goes on with them in place of the old turns',
      { timeout: 180_000 },
      async () => {
        stack().sim.onAgentRequest((req) => {
          const seen = upstreamText(req);
          if (SUMMARIZER.test(seen)) {
            if (/<previous-summary>\s*SUMMARY-THREE/.test(seen)) return sse(reply(SUMMARY_FOUR));
            if (/<previous-summary>\s*SUMMARY-TWO/.test(seen)) {
              return sse(reply('SUMMARY-THREE: PLUM, MOSS-31, FERN-58.'));
            }
            if (UPDATE_ASK.test(seen)) return sse(reply('SUMMARY-TWO: the word PLUM, moss MOSS-31.'));
            return sse(reply('SUMMARY-ONE: the word PLUM, kept as ORCHARD-7.'));
          }
          // After the second overflow: the next prompt, then a prompt the upstream refuses however short.
          if (seen.includes(AFTER_FAILED)) return sse(reply('Still here after REEDBED-7.'));
          if (seen.includes(FIFTH)) return TOO_LONG[mode.expect]();
          // The upstream's own failure for a conversation too long for the model, until pi has compacted it.
          if (seen.includes(FOURTH)) {
            if (!seen.includes('SUMMARY-THREE')) return TOO_LONG[mode.expect]();
            return sse(reply('Noted REED-94 after compacting.'));
          }
          if (seen.includes('What do you keep?')) {
            return sse(reply(seen.includes('SUMMARY-TWO') ? 'PLUM, MOSS-31 and FERN-58.' : 'Unknown.'));
          }
          if (seen.includes(THIRD)) return sse(reply('Noted FERN-58.', { inputTokens: FULL_INPUT, outputTokens: 20 }));
          if (seen.includes(SECOND)) return sse(reply('Noted MOSS-31.'));
          if (seen.includes('Keep the word PLUM')) return sse(reply('Kept PLUM as ORCHARD-7.'));
          return undefined;
        });

        const { tui, agentDir, asks: first } = await twoTurnsThenCompact(stack(), api, 'PLUM', 'ORCHARD-7');
        expect(first).toHaveLength(1);
        const asked = upstreamText(first[0]!);
        expect(asked).toMatch(
          /<conversation>[\s\S]*Keep the word PLUM[\s\S]*Kept PLUM as ORCHARD-7\.[\s\S]*<\/conversation>/,
        );
        expect(asked).not.toContain(SECOND);
        expect(asked).not.toMatch(UPDATE_ASK);
        expect(asked).toMatch(new RegExp(`${COMPACT_ASK.source}[\\s\\S]*\\n\\nAdditional focus: ${COMPACT_FOCUS}`));

        // The next turn carries the summary and the turn kept, nothing of the one summarised.
        await tui.submit(THIRD);
        // Its answer's usage, as the proxy reports it, tells pi the context is full: pi compacts again by itself,
        // folding the second turn into the first summary, and counts the context it compacted from that usage.
        await tui.waitFor(/Compacted from 120,020 tokens/, 60_000);
        const third = turnsAbout(stack(), new RegExp(THIRD)).filter((r) => !SUMMARIZER.test(upstreamText(r)));
        expect(third).toHaveLength(1);
        const sentThird = upstreamText(third[0]!);
        expect(sentThird).toMatch(/compacted into the following summary:\s*<summary>\s*SUMMARY-ONE: the word PLUM/);
        expect(sentThird).toContain(SECOND);
        expect(sentThird).toContain('Noted MOSS-31.');
        expect(sentThird).not.toMatch(/Keep the word PLUM|Kept PLUM as ORCHARD-7/);
        const second = turnsAbout(stack(), UPDATE_ASK);
        expect(second).toHaveLength(1);
        const updated = upstreamText(second[0]!);
        expect(updated).toMatch(/<conversation>[\s\S]*Second note[\s\S]*Noted MOSS-31\.[\s\S]*<\/conversation>/);
        expect(updated).toMatch(/<previous-summary>\s*SUMMARY-ONE: the word PLUM, kept as ORCHARD-7\./);
        expect(updated).not.toContain(THIRD);

        await tui.submit('What do you keep?');
        await tui.waitFor(/PLUM, MOSS-31 and FERN-58\./, 60_000);
        const last = upstreamText(turnsAbout(stack(), /What do you keep\?/)[0]!);
        expect(last).toMatch(/compacted into the following summary:\s*<summary>\s*SUMMARY-TWO/);
        expect(last).toContain(THIRD);
        expect(last).not.toMatch(/SUMMARY-ONE|Second note|Noted MOSS-31|Keep the word PLUM/);

        // The upstream refuses the next prompt as too long; the proxy says so in the API's own words, which pi reads
        // as a context overflow: it compacts and sends the prompt again on the new summary, without the user asking.
        await overflowCompacted(stack(), tui, mode.expect, {
          summaryBefore: 'SUMMARY-TWO',
          summaryAfter: 'SUMMARY-THREE',
          folded: /What do you keep\?[\s\S]*FERN-58\./,
          dropped: /SUMMARY-TWO|What do you keep\?|PLUM, MOSS-31 and FERN-58\./,
        });

        const [session, ...more] = savedSessions(agentDir);
        expect(more).toEqual([]);
        expect(savedTexts(session!)).toEqual([
          'user: Keep the word PLUM',
          'assistant: Kept PLUM as ORCHARD-7.',
          `user: ${SECOND}`,
          'assistant: Noted MOSS-31.',
          'compaction: SUMMARY-ONE: the word PLUM, kept as ORCHARD-7.',
          `user: ${THIRD}`,
          'assistant: Noted FERN-58.',
          'compaction: SUMMARY-TWO: the word PLUM, moss MOSS-31.',
          'user: What do you keep?',
          'assistant: PLUM, MOSS-31 and FERN-58.',
          // pi keeps the refused turn in the file, the error as an empty answer, before the summary and the retry.
          `user: ${FOURTH}`,
          'assistant: ',
          'compaction: SUMMARY-THREE: PLUM, MOSS-31, FERN-58.',
          'assistant: Noted REED-94 after compacting.',
        ]);
        const refusal = session!.entries.find((e) => e.type === 'message' && e.message.stopReason === 'error');
        expect(refusal?.message.errorMessage).toMatch(/^400 .*prompt is too long: the conversation does not fit/);
        // The nine requests, the three summaries among them, answered but the refused one.
        await expectServedWithOneRefusal(stack(), api, mode.expect, [200, 200, 400, 200, 200, 200, 200, 200, 200]);
        await refusedAgainAfterCompacting(stack(), tui, agentDir, api, mode.expect, 'SUMMARY-THREE');
      },
    );
  });
}

/** A prompt the upstream refuses as too long even after pi has compacted for it. */
const FIFTH = 'Fifth note: the reed bed is REEDBED-7, past the bridge.';
/** The summary pi's compaction for FIFTH's refusal gets, folding the turn before into the overflow's summary. */
const SUMMARY_FOUR = 'SUMMARY-FOUR: PLUM, MOSS-31, FERN-58, REED-94.';
/** The prompt after pi gave up on FIFTH. */
const AFTER_FAILED = 'Are you still there?';
/** What pi 0.73.1 shows when the prompt it sent again after compacting is refused too (agent-session.js). */
const RECOVERY_FAILED = 'Context overflow recovery failed after one compact-and-retry attempt.';

/**
 * After a case's overflow was compacted, on `protocol`: the upstream refuses FIFTH as too long, pi compacts (folding
 * the turn before into the summary labelled `summaryBefore`, which the simulator must answer with SUMMARY_FOUR) and
 * sends it again, and the upstream refuses it again. pi must give up then (it tries once a prompt), and the proxy must
 * not ask again either: the upstream sees the prompt twice, one summary between, and pi takes the next prompt, which
 * the simulator must answer with `Still here after REEDBED-7.`. On each protocol and API, as the window is open with a
 * compacted session already (three requests more, no new pi): `ws`'s refusal is an error frame the proxy turns into a
 * 400, `sse-b`'s and `sse-a`'s a 400 status, and a retry of the proxy's own would hide behind any of them.
 */
async function refusedAgainAfterCompacting(
  stack: Stack,
  tui: Terminal,
  agentDir: string,
  api: PiApi,
  protocol: UpstreamProtocol,
  summaryBefore: string,
): Promise<void> {
  const before = answered(stack.sim.requests).length;
  const rowsBefore = (await served(stack)).length;
  await tui.submit(FIFTH);
  await tui.waitFor(new RegExp(escapeRegExp(RECOVERY_FAILED)), 90_000);
  // Each refusal as pi's error line, the compaction between them, then pi's giving up.
  expect(tui.screen()).toMatch(
    new RegExp(
      `${escapeRegExp(FIFTH)}\\s+Error: 400 [^\\n]*prompt is too long[\\s\\S]*` +
        '\\[compaction\\]\\s+Compacted from [\\d,]+ tokens' +
        `[\\s\\S]*Error: 400 [^\\n]*prompt is too long[\\s\\S]*${escapeRegExp(RECOVERY_FAILED)}`,
    ),
  );
  // pi takes the next prompt and the upstream answers it: nothing more of FIFTH went in between.
  await tui.submit(AFTER_FAILED);
  await tui.waitFor(/Still here after REEDBED-7\./, 60_000);
  await until(() => stack.core.internals.server.inflightRequests === 0, { what: 'the last request to end' });
  const asked = answered(stack.sim.requests)
    .slice(before)
    .map((r) => {
      const seen = upstreamText(r);
      if (SUMMARIZER.test(seen)) {
        return new RegExp(`<previous-summary>\\s*${escapeRegExp(summaryBefore)}`).test(seen)
          ? 'summary'
          : 'other summary';
      }
      if (seen.includes(AFTER_FAILED)) return 'next';
      return seen.includes(FIFTH) ? 'fifth' : 'other';
    });
  expect(asked).toEqual(['fifth', 'summary', 'fifth', 'next']);
  // pi says it gave up a second time as the next prompt goes (it checks the last answer again before sending, the
  // one-retry mark still set), compacting nothing; the prompt goes on the new summary, after the prompt refused.
  expect(tui.screen()).toMatch(
    new RegExp(
      `(${escapeRegExp(RECOVERY_FAILED)}[^\\n]*\\s+){2}${escapeRegExp(AFTER_FAILED)}\\s+Still here after REEDBED-7\\.`,
    ),
  );
  expect(tui.screen().split(RECOVERY_FAILED)).toHaveLength(3);
  // In the conversation's order: Generation A's prompt is the newest message, its history the ones before.
  const last = answered(stack.sim.requests).at(-1)!;
  const next = protocol === 'sse-a' ? genAConversation(last) : upstreamText(last);
  expect(next).toMatch(
    new RegExp(
      `<summary>\\s*${escapeRegExp(SUMMARY_FOUR)}\\s*</summary>[\\s\\S]*` +
        `${escapeRegExp(FIFTH)}[\\s\\S]*${escapeRegExp(AFTER_FAILED)}`,
    ),
  );
  expect(next).not.toContain(summaryBefore);
  expect(next).not.toContain('Noted REED-94');
  // The session file: each refusal an empty answer, the summary between them, then the next turn.
  expect(savedTexts(savedSessions(agentDir)[0]!).slice(-6)).toEqual([
    `user: ${FIFTH}`,
    'assistant: ',
    `compaction: ${SUMMARY_FOUR}`,
    'assistant: ',
    `user: ${AFTER_FAILED}`,
    'assistant: Still here after REEDBED-7.',
  ]);
  const refusals = savedSessions(agentDir)[0]!.entries.filter(
    (e) => e.type === 'message' && e.message.stopReason === 'error',
  );
  expect(refusals.slice(-2).map((e) => e.message.errorMessage)).toEqual(
    Array.from({ length: 2 }, () => expect.stringMatching(/^400 .*prompt is too long: the conversation does not fit/)),
  );
  const rows = (await served(stack)).slice(0, -rowsBefore);
  expect(rows.map((r) => [r.api, r.stream, r.status, r.protocol])).toEqual(
    [200, 400, 200, 400].map((status) => [PI_SERVED_API[api], true, status, protocol]),
  );
  expect(
    stack.core.internals.historyRepo
      .query({})
      .slice(0, 4)
      .filter((r) => r.status === 400)
      .map(({ errorType, errorMessage }) => [errorType, errorMessage]),
  ).toEqual(
    Array.from({ length: 2 }, () => [
      'invalid_request_error',
      expect.stringMatching(/^prompt is too long: .*input is too long/),
    ]),
  );
}

/** The summary Generation A streams back for the first turn, in pieces. */
const SUMMARY_A = 'SUMMARY-A: the word PEAR, checked as PEAR-CHECK-12, kept as ORCHARD-9.';
/** The summary Generation A gives when pi compacts on the overflow, folding the turns after the first into it. */
const SUMMARY_A_OVERFLOW = 'SUMMARY-A-TWO: PEAR as ORCHARD-9, moss MOSS-31.';
/** pi's first turn runs a command, so the turns summarised hold a call and its output as pi serialises them. */
const PEAR_CALL = { id: 'toolu_sim_pear_check', name: 'bash', input: { command: 'echo PEAR-CHECK-12' } };

/**
 * Generation A renders the conversation into one prompt and a history (request-builder.ts) where Generation B sends
 * the messages themselves, so pi's summary request is held on it too, on each API: pi's summarizer asks the same on
 * both (its system prompt, one user message, no tools), and each route must hand the Generation A builder the same
 * Messages request (Chat Completions' leading system message becomes its `system`, the Messages API's `system` is it),
 * and the refusal goes back in each API's own words.
 */
for (const [api] of PI_APIS) {
  describeCompactionA(api);
}

function describeCompactionA(api: PiApi): void {
  describe(`pi’s window through Orchids Tray, /compact, an overflow (pinned sse-a, ${api})`, () => {
    const stack = piStack(SSE_A, KEY);

    it(
      'sends Generation A pi’s summary requests as pi wrote them, no tools offered, and goes on with each summary',
      { timeout: 180_000 },
      async () => {
        stack().sim.onAgentRequest((req) => {
          const seen = upstreamText(req);
          if (SUMMARIZER.test(seen)) {
            if (UPDATE_ASK.test(seen)) return sse(reply(SUMMARY_A_OVERFLOW));
            return sse([...text(SUMMARY_A, { chunks: 4 }), ...finish()]);
          }
          // Generation A's refusal of a conversation too long for the model, until pi has compacted it.
          if (seen.includes(FOURTH)) {
            if (!seen.includes(SUMMARY_A_OVERFLOW)) return TOO_LONG['sse-a']();
            return sse(reply('Noted REED-94 after compacting.'));
          }
          if (seen.includes('What do you keep?')) {
            return sse(reply(seen.includes('SUMMARY-A') ? 'PEAR, as ORCHARD-9, and MOSS-31.' : 'Unknown.'));
          }
          if (seen.includes(SECOND)) return sse(reply('Noted MOSS-31.'));
          if (seen.includes('Keep the word PEAR')) {
            if (seen.includes('PEAR-CHECK-12\n')) return sse(reply('Kept PEAR as ORCHARD-9.'));
            return sse([...toolCall(PEAR_CALL), ...finish('tool-calls')]);
          }
          return undefined;
        });

        const { tui, agentDir, asks } = await twoTurnsThenCompact(stack(), api, 'PEAR', 'ORCHARD-9');
        expect(asks.map((r) => r.protocol)).toEqual(['sse-a']);
        const body = asks[0]!.body as Record<string, unknown>;
        // Generation A's one system slot holds pi's summarizer prompt alone, and its prompt pi's one user message: the
        // first turn as pi serialised it (its command and output as text), then pi's instructions and the user's.
        const conversation = [
          '[User]: Keep the word PEAR',
          `[Assistant tool calls]: bash(command=${JSON.stringify(PEAR_CALL.input.command)})`,
          '[Tool result]: PEAR-CHECK-12\n',
          '[Assistant]: Kept PEAR as ORCHARD-9.',
        ].join('\n\n');
        expect(body.prompt).toMatch(
          new RegExp(
            '^<system>\\nYou are a context summarization assistant\\. [^<]*ONLY output the structured summary\\.\\n' +
              '</system>\\n\\n<user_message>\\n' +
              escapeRegExp(`<conversation>\n${conversation}\n</conversation>\n\n`) +
              `The messages above are a conversation to summarize\\. ${COMPACT_ASK.source}[^<]*` +
              `\\n\\nAdditional focus: ${COMPACT_FOCUS}\\n</user_message>$`,
          ),
        );
        expect(body.prompt).not.toContain(SECOND);
        expect(body.chatHistory).toEqual([]);
        // pi declares no tools for it, so none are offered; its own turns offer its four.
        expect(body).not.toHaveProperty('tools');
        const toolNames = (r: AgentRequestInfo) => (r.body.tools as Array<{ name: string }>).map((t) => t.name);
        expect(toolNames(turnsAbout(stack(), new RegExp(SECOND))[0]!)).toEqual(
          expect.arrayContaining(['read', 'bash', 'edit', 'write']),
        );

        // pi shows the summary Generation A streamed back folded under [compaction]; Ctrl+O unfolds it.
        expect(tui.screen()).not.toContain('SUMMARY-A');
        tui.press('C-o');
        await tui.waitFor(new RegExp(`\\[compaction\\][\\s\\S]*${escapeRegExp(SUMMARY_A)}`));

        // The next prompt carries the summary and the turn kept, nothing of the one summarised, and pi's tools again.
        await tui.submit('What do you keep?');
        await tui.waitFor(/PEAR, as ORCHARD-9, and MOSS-31\./, 60_000);
        const after = turnsAbout(stack(), /What do you keep\?/);
        expect(after).toHaveLength(1);
        const sent = upstreamText(after[0]!);
        expect(sent).toMatch(new RegExp(`compacted into the following summary:\\s*<summary>\\s*${SUMMARY_A}`));
        expect(sent).toContain(SECOND);
        expect(sent).toContain('Noted MOSS-31.');
        expect(sent).not.toMatch(/Keep the word PEAR|toolu_sim_pear_check|Kept PEAR as ORCHARD-9/);
        expect(toolNames(after[0]!)).toEqual(expect.arrayContaining(['read', 'bash', 'edit', 'write']));

        // Generation A refuses the next prompt as too long: the proxy says so in the API's words, pi reads them as a
        // context overflow, compacts (the turns since the summary folded into it) and sends the prompt again.
        const { retried, fold } = await overflowCompacted(stack(), tui, 'sse-a', {
          summaryBefore: SUMMARY_A,
          summaryAfter: SUMMARY_A_OVERFLOW,
          folded: /What do you keep\?[\s\S]*MOSS-31\./,
          dropped: /SUMMARY-A:|What do you keep\?|PEAR, as ORCHARD-9, and MOSS-31\./,
        });
        // The retry offers pi's tools again, as its turns do; pi's summary request offers none, its one fold of turns.
        expect(toolNames(retried)).toEqual(expect.arrayContaining(['read', 'bash', 'edit', 'write']));
        expect(fold.body).not.toHaveProperty('tools');
        expect(turnsAbout(stack(), UPDATE_ASK)).toHaveLength(1);

        const [session, ...more] = savedSessions(agentDir);
        expect(more).toEqual([]);
        expect(savedTexts(session!)).toEqual([
          'user: Keep the word PEAR',
          'assistant: ',
          'toolResult: PEAR-CHECK-12\n',
          'assistant: Kept PEAR as ORCHARD-9.',
          `user: ${SECOND}`,
          'assistant: Noted MOSS-31.',
          `compaction: ${SUMMARY_A}`,
          'user: What do you keep?',
          'assistant: PEAR, as ORCHARD-9, and MOSS-31.',
          `user: ${FOURTH}`,
          'assistant: ',
          `compaction: ${SUMMARY_A_OVERFLOW}`,
          'assistant: Noted REED-94 after compacting.',
        ]);
        // Newest first: the retry, the overflow's summary, the refusal, and the five before.
        // DECISION: the refusal after compacting is the case above's, on `sse-a` too; not run twice.
        await expectServedWithOneRefusal(stack(), api, 'sse-a', [200, 200, 400, 200, 200, 200, 200, 200]);
      },
    );
  });
}
