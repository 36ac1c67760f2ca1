import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall } from '../sim/orchids-simulator';
import { answered, PINNED_MODES, sentToolPair, upstreamModel, upstreamText } from '../helpers/upstream';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { runClaude } from '../helpers/claude-code';
import { loopbackCertificate } from '../helpers/loopback-cert';

/**
 * Claude Code 2.1.332 names its WebFetch only in its deferred-tools reminder (see deferred-tools.ts). Generation B's
 * agent calls it by name; Claude Code then fetches the page itself and sends the page with the agent's prompt to a
 * model of its own, a second request through the proxy, whose answer is the tool's result. The page is served here on
 * loopback over HTTPS: Claude Code turns http:// into https:// and refuses a host without a dot (localhost), and its
 * check of the domain with api.anthropic.com, which this offline machine cannot reach, is off through the setting
 * Claude Code documents for it (`skipWebFetchPreflight`).
 */
let stack: Stack;
let page: https.Server | undefined;
afterEach(async () => {
  await stack?.stop();
  page?.closeAllConnections();
  await new Promise<void>((resolve) => (page?.listening ? page.close(() => resolve()) : resolve()));
});

const KEY = 'test-claude-code-key';
const CALL = 'toolu_sim_wf_0001';
/** In the page only: the tool result must carry the side request's answer, not the page itself. */
const PAGE_FACT = 'The ferry leaves at 07:45 from pier KESTREL-9.';
const GIST = 'GIST: pier KESTREL-9, at 07:45.';

/** An HTTPS page on 127.0.0.1 (certificate made at run time), and every request it was sent. */
async function servePage(): Promise<{ url: string; caFile: string; hits: string[] }> {
  const { cert, key } = await loopbackCertificate();
  const hits: string[] = [];
  page = https.createServer({ cert, key }, (req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<html><body><h1>Harbour</h1><p>${PAGE_FACT}</p></body></html>`);
  });
  await new Promise<void>((resolve) => page!.listen(0, '127.0.0.1', resolve));
  const caFile = path.join(tempDir('orchids-cc-ca-'), 'loopback.pem');
  fs.writeFileSync(caFile, cert);
  return { url: `https://127.0.0.1:${(page.address() as AddressInfo).port}/ferry`, caFile, hits };
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
        stack = await startStack({ protocol: mode.setting, serves: mode.serves });
        const { url, caFile, hits } = await servePage();
        stack.sim.onAgentRequest((req) => {
          const seen = upstreamText(req);
          // Claude Code's side request: the page and the agent's prompt, outside the agent's conversation.
          if (seen.includes('KESTREL-9') && !seen.includes(CALL)) return sse(reply(GIST));
          if (!seen.includes('ferry')) return undefined;
          if (seen.includes(GIST)) return sse(reply('The ferry leaves from pier KESTREL-9.'));
          return sse([
            ...toolCall({
              id: CALL,
              name: 'WebFetch',
              input: { url, prompt: 'Which pier does the ferry leave from?' },
            }),
            ...finish('tool-calls'),
          ]);
        });
        stack.core.settings.set('apiKey', KEY);

        const result = await runClaude(
          tempDir('orchids-cc-work-'),
          'Which pier does the ferry leave from? The harbour page says.',
          { ANTHROPIC_BASE_URL: stack.url, ANTHROPIC_API_KEY: KEY, NODE_EXTRA_CA_CERTS: caFile },
          { allowedTools: ['WebFetch'], settings: { skipWebFetchPreflight: true } },
        );
        expect(result.code, result.stderr).toBe(0);
        const output = JSON.parse(result.stdout) as { is_error: boolean; result: string };
        expect(output).toMatchObject({ is_error: false, result: 'The ferry leaves from pier KESTREL-9.' });
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
