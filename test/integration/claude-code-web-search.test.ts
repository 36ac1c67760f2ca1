import { describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall, type AgentResponder } from '../sim/orchids-simulator';
import { answered, PINNED_MODES, pinnedMode, sentToolPair, upstreamText } from '../helpers/upstream';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { runClaude } from '../helpers/claude-code';
import { agentTurnsAbout, startClaudeCodeTui, titled } from '../helpers/claude-code-tui';
import { served, startCliStack } from '../helpers/cli-clients';
import { stopsAfterEach } from '../helpers/stops-after-each';

/**
 * Claude Code 2.1.332 names its WebSearch only in its deferred-tools reminder, and Generation B's agent calls it by
 * name. Claude Code then asks the API to search: a side request whose only tool is Anthropic's `web_search_20250305`
 * server tool, forced by `tool_choice` on Sonnet 4.6 (the `-p` runs here) and left to the model (`auto`) on Opus 5.5
 * (the window's default). The upstream cannot search, so the proxy answers that request itself, saying so
 * (main/core/proxy/web-search-answer.ts): nothing of it goes upstream, and the agent reads that answer as the
 * search's result instead of results a model made up.
 */
let stack: Stack;
const stopAfter = stopsAfterEach();

const KEY = 'test-claude-code-key';
const CALL = 'toolu_sim_wsearch_0001';
const QUERY = 'harbour ferry timetable KESTREL';
/** What a model would write if the side request reached it: results no search found. */
const INVENTED = 'Ferry timetable at https://ferries.example/kestrel: 09:15 daily.';
const NOT_SEARCHED = 'No web search was run: Orchids Tray cannot search the web';
const FINAL = 'I could not search the web here; give me the timetable page address and I will fetch it.';

/** The agent: searches for the timetable, and says it could not once the search's result is in. */
const timetableAgent: AgentResponder = (req) => {
  const seen = upstreamText(req);
  // Claude Code's side request, were it sent on: a model answering from memory.
  if (seen.includes('Perform a web search')) return sse(reply(INVENTED));
  if (!seen.includes('timetable')) return undefined;
  if (seen.includes(CALL)) return sse(reply(FINAL));
  return sse([...toolCall({ id: CALL, name: 'WebSearch', input: { query: QUERY } }), ...finish('tool-calls')]);
};

describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))(
  "Claude Code runs the agent's WebSearch on Generation B ($name)",
  (mode) => {
    it(
      'gets the proxy\'s "cannot search" answer, nothing goes upstream for it, and the agent reads that as the result',
      { timeout: 90_000 },
      async () => {
        stack = stopAfter(await startStack({ protocol: mode.setting, serves: mode.serves }));
        stack.sim.onAgentRequest(timetableAgent);
        stack.core.settings.set('apiKey', KEY);

        const result = await runClaude(
          tempDir('orchids-cc-work-'),
          'Search the web for the harbour ferry timetable.',
          { ANTHROPIC_BASE_URL: stack.url, ANTHROPIC_API_KEY: KEY },
          { allowedTools: ['WebSearch'] },
        );
        expect(result.code, result.stderr).toBe(0);
        const output = JSON.parse(result.stdout) as { is_error: boolean; result: string };
        expect(output).toMatchObject({ is_error: false, result: FINAL });

        // Two requests reached the upstream: the agent's call and its turn with the result. The search was not one.
        const upstream = answered(stack.sim.requests);
        expect(upstream.map((r) => r.protocol)).toEqual([mode.expect, mode.expect]);
        expect(upstream.map(upstreamText).join('\n')).not.toContain('Perform a web search');
        // The agent's result: Claude Code's "Web search results for query" heading over the proxy's answer, not an
        // API error and not an invented result.
        const turn = upstreamText(upstream[1]!);
        expect(sentToolPair(upstream[1]!, CALL, 'WebSearch', NOT_SEARCHED)).toBe(true);
        expect(turn).toContain(`Web search results for query: "${QUERY}"`);
        expect(turn).toContain('use WebFetch on that URL');
        expect(turn).not.toContain('API Error');
        expect(turn).not.toContain(INVENTED);

        // Claude Code's side request is in the history, answered by the proxy: no account, no protocol, no tokens.
        await stack.core.internals.history.flushNow();
        const rows = stack.core.internals.historyRepo.query({});
        expect(rows).toHaveLength(3);
        const own = rows.filter((r) => r.protocol === null || r.protocol === undefined);
        expect(own.map((r) => [r.status, r.accountId, r.stopReason])).toEqual([[200, null, 'end_turn']]);
      },
    );
  },
);

describe("Claude Code's window runs the agent's WebSearch (pinned ws)", () => {
  it("shows the search and the agent gets the proxy's answer", { timeout: 90_000 }, async () => {
    stack = stopAfter(await startCliStack(pinnedMode('ws'), KEY));
    stack.sim.onAgentRequest(titled('Ferry timetable', timetableAgent));
    const tui = stopAfter(
      startClaudeCodeTui(tempDir('orchids-cc-work-'), stack.url, KEY, { permissionMode: 'default' }),
    );
    await tui.submit('Search the web for the harbour ferry timetable.');
    const question =
      /Claude wants to search the web for: harbour ferry timetable KESTREL[\s\S]*Do you want to proceed\?/;
    await tui.waitFor(question, 60_000);
    expect(agentTurnsAbout(stack, /timetable/)).toHaveLength(1);
    await tui.choose('1', question);
    // Claude Code's line for a search that gave no results, then the agent's answer.
    await tui.waitFor(
      /Web Search\("harbour ferry[^\n]*\n\s*⎿\s+Did no searches[\s\S]*page address and I will fetch it\./,
      30_000,
    );
    // The agent's call and its turn with the proxy's answer as the result; the search itself never went upstream.
    const turns = agentTurnsAbout(stack, /timetable/);
    expect(turns).toHaveLength(2);
    expect(answered(stack.sim.requests).map(upstreamText).join('\n')).not.toContain('Perform a web search');
    expect(sentToolPair(turns[1]!, CALL, 'WebSearch', NOT_SEARCHED)).toBe(true);
    expect(upstreamText(turns[1]!)).not.toContain(INVENTED);
    const rows = await served(stack);
    expect(rows.filter((r) => r.status !== 200)).toEqual([]);
    expect(rows.filter((r) => r.protocol === null)).toHaveLength(1);
  });
});
