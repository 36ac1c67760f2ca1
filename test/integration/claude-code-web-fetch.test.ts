import { describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall, type AgentResponder } from '../sim/orchids-simulator';
import { answered, PINNED_MODES, pinnedMode, sentToolPair, upstreamModel, upstreamText } from '../helpers/upstream';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { runClaude } from '../helpers/claude-code';
import { servePage } from '../helpers/loopback-page';
import { agentTurnsAbout, startClaudeCodeTui, titled } from '../helpers/claude-code-tui';
import { served, startCliStack } from '../helpers/cli-clients';
import { stopsAfterEach } from '../helpers/stops-after-each';

/**
 * Claude Code 2.1.332 names its WebFetch only in its deferred-tools reminder (see deferred-tools.ts). Generation B's
 * agent calls it by name; Claude Code then fetches the page itself and sends the page with the agent's prompt to a
 * model of its own, a second request through the proxy, whose answer is the tool's result. The page is served here on
 * loopback over HTTPS: Claude Code turns http:// into https:// and refuses a host without a dot (localhost), and its
 * check of the domain with api.anthropic.com, which this offline machine cannot reach, is off through the setting
 * Claude Code documents for it (`skipWebFetchPreflight`).
 */
let stack: Stack;
const stopAfter = stopsAfterEach();

const KEY = 'test-claude-code-key';
const CALL = 'toolu_sim_wf_0001';
/** In the page only: the tool result must carry the side request's answer, not the page itself. */
const PAGE_FACT = 'The ferry leaves at 07:45 from pier KESTREL-9.';
const GIST = 'GIST: pier KESTREL-9, at 07:45.';
const ANSWER = 'The ferry leaves from pier KESTREL-9.';
const HARBOUR_PAGE = `<html><body><h1>Harbour</h1><p>${PAGE_FACT}</p></body></html>`;

/** The agent: fetches the harbour page at `url` and answers from what Claude Code's reading of it gives. */
function ferryAgent(url: string): AgentResponder {
  return (req) => {
    const seen = upstreamText(req);
    // Claude Code's side request: the page and the agent's prompt, outside the agent's conversation.
    if (seen.includes('KESTREL-9') && !seen.includes(CALL)) return sse(reply(GIST));
    if (!seen.includes('ferry')) return undefined;
    if (seen.includes(GIST)) return sse(reply(ANSWER));
    return sse([
      ...toolCall({ id: CALL, name: 'WebFetch', input: { url, prompt: 'Which pier does the ferry leave from?' } }),
      ...finish('tool-calls'),
    ]);
  };
}

describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))(
  "Claude Code runs the agent's WebFetch on Generation B ($name)",
  (mode) => {
    it(
      'fetches the page, has its own model read it through the proxy, and the agent gets that answer',
      {
        timeout: 90_000,
      },
      async () => {
        stack = stopAfter(await startStack({ protocol: mode.setting, serves: mode.serves }));
        const { url, caFile, hits } = stopAfter(await servePage('ferry', HARBOUR_PAGE));
        stack.sim.onAgentRequest(ferryAgent(url));
        stack.core.settings.set('apiKey', KEY);

        const result = await runClaude(
          tempDir('orchids-cc-work-'),
          'Which pier does the ferry leave from? The harbour page says.',
          { ANTHROPIC_BASE_URL: stack.url, ANTHROPIC_API_KEY: KEY, NODE_EXTRA_CA_CERTS: caFile },
          { allowedTools: ['WebFetch'], settings: { skipWebFetchPreflight: true } },
        );
        expect(result.code, result.stderr).toBe(0);
        const output = JSON.parse(result.stdout) as { is_error: boolean; result: string };
        expect(output).toMatchObject({ is_error: false, result: ANSWER });
        // Claude Code fetched the page once, itself.
        expect(hits).toEqual(['GET /ferry']);
        // Three requests reached the upstream, in order: the agent's call, Claude Code's reading of the page (the
        // prompt and the page as Markdown), and the agent's turn with the result.
        const upstream = answered(stack.sim.requests);
        expect(upstream.map((r) => r.protocol)).toEqual([mode.expect, mode.expect, mode.expect]);
        const side = upstreamText(upstream[1]!);
        expect(side).toContain(PAGE_FACT);
        expect(side).toContain('Which pier does the ferry leave from?');
        expect(side).not.toContain(CALL);
        // Claude Code 2.1.332 asks for that reading on the session's model, not a smaller one.
        expect(upstreamModel(upstream[1]!)).toBe(upstreamModel(upstream[0]!));
        expect(upstreamText(upstream[2]!)).not.toContain('has no tool named');
        expect(sentToolPair(upstream[2]!, CALL, 'WebFetch', GIST)).toBe(true);
      },
    );
  },
);

describe("Claude Code's window runs the agent's WebFetch once the user allows it (pinned ws)", () => {
  it(
    'asks to fetch the page, fetches it once allowed, and the agent gets the reading',
    { timeout: 90_000 },
    async () => {
      stack = stopAfter(await startCliStack(pinnedMode('ws'), KEY));
      const { url, caFile, hits } = stopAfter(await servePage('ferry', HARBOUR_PAGE));
      stack.sim.onAgentRequest(titled('Harbour ferry', ferryAgent(url)));
      const tui = stopAfter(
        startClaudeCodeTui(tempDir('orchids-cc-work-'), stack.url, KEY, {
          permissionMode: 'default',
          args: ['--settings', JSON.stringify({ skipWebFetchPreflight: true })],
          env: { NODE_EXTRA_CA_CERTS: caFile },
        }),
      );
      await tui.submit('Which pier does the ferry leave from? The harbour page says.');
      const question =
        /Claude wants to fetch content from 127\.0\.0\.1[\s\S]*Do you want to allow Claude to fetch this content\?/;
      await tui.waitFor(question, 60_000);
      // Asked before anything is fetched: the page unread, nothing of it upstream.
      expect(hits).toEqual([]);
      expect(agentTurnsAbout(stack, /ferry/)).toHaveLength(1);
      await tui.choose('1', question);
      // Claude Code's line for the fetch, then the agent's answer from its reading.
      await tui.waitFor(
        /Fetch\(https:\/\/127[^\n]*\n[^\n]*Received \d+ bytes \(200 OK\)[\s\S]*pier KESTREL-9\./,
        30_000,
      );
      expect(hits).toEqual(['GET /ferry']);
      // The agent's call, Claude Code's reading of the page, and the agent's turn with that reading as the result.
      const turns = agentTurnsAbout(stack, /ferry/);
      expect(turns).toHaveLength(3);
      expect(upstreamText(turns[1]!)).toContain(PAGE_FACT);
      expect(upstreamText(turns[1]!)).not.toContain(CALL);
      expect(sentToolPair(turns[2]!, CALL, 'WebFetch', GIST)).toBe(true);
      const rows = await served(stack);
      expect(rows.filter((r) => r.status !== 200 || r.protocol !== 'ws')).toEqual([]);
    },
  );
});
