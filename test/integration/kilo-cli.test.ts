import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall } from '../sim/orchids-simulator';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { startCliStack, served, turnsAbout } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runKilo, startKiloServer, type KiloServer } from '../helpers/kilo';
import { describeKiloDelegating, type KiloRoute } from '../helpers/kilo-delegating';

/**
 * The real Kilo Code CLI (`kilo run`) pointed at Orchids Tray through the provider config opencode takes (Kilo is a
 * fork of opencode). The simulator answers a step only once what Kilo's tool produced comes back, so each answer
 * proves the loop; the edit is checked on disk.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

/**
 * The `kilo serve` the routes' runs attach to (see startKiloServer). DECISION: the delegating runs below stay plain
 * `kilo run`s: their webfetch trusts its page's certificate through NODE_EXTRA_CA_CERTS, an environment variable the
 * process doing the fetch (the server, when attached) must start with, and each page makes its certificate when its
 * test starts, after the server has.
 */
let kilo: KiloServer;
beforeAll(async () => {
  kilo = await startKiloServer();
}, 150_000);
afterAll(async () => kilo?.stop());

const KEY = 'test-kilo-key';

/**
 * Kilo's Anthropic provider on Generation B over WebSocket and on Generation A, and its OpenAI-compatible provider
 * (Chat Completions, where every call id reaches Kilo and goes upstream as `call_…`) on all three upstream protocols.
 */
const ROUTES: KiloRoute[] = [
  { mode: pinnedMode('ws'), api: 'anthropic', served: 'anthropic' },
  { mode: pinnedMode('ws'), api: 'openai-chat', served: 'openai-chat' },
  { mode: pinnedMode('sse-b'), api: 'openai-chat', served: 'openai-chat' },
  { mode: pinnedMode('sse-a'), api: 'anthropic', served: 'anthropic' },
  { mode: pinnedMode('sse-a'), api: 'openai-chat', served: 'openai-chat' },
];

describe.each(ROUTES)(
  'Kilo Code CLI through Orchids Tray ($mode.name, $api)',
  ({ mode, api, served: apiName }: KiloRoute) => {
    const genA = mode.expect === 'sse-a';

    it('shows a streamed answer', { timeout: 240_000 }, async () => {
      stack = await startCliStack(mode, KEY);
      const answer = 'Hello from Orchids, to Kilo, in four pieces.';
      stack.sim.onAgentRequest((req) =>
        upstreamText(req).includes('Say hello') ? sse([...text(answer, { chunks: 4 }), ...finish()]) : undefined,
      );

      const run = await runKilo(tempDir('orchids-kilo-work-'), 'Say hello', stack.url, KEY, { api, server: kilo });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.finalText).toBe(answer);
      expect(turnsAbout(stack, /Say hello/).map((t) => t.protocol)).toEqual([mode.expect]);
      expect(await served(stack)).toEqual([{ api: apiName, stream: true, status: 200, protocol: mode.expect }]);
    });

    it('reads a file, then edits it on disk', { timeout: 240_000 }, async () => {
      stack = await startCliStack(mode, KEY);
      const work = tempDir('orchids-kilo-work-');
      const file = path.join(work, 'plan.txt');
      fs.writeFileSync(file, 'Ship on MONDAY-12.\n');
      const read = genA ? { name: 'read', input: { filePath: file } } : { name: 'Read', input: { file_path: file } };
      const edit = genA
        ? { name: 'edit', input: { filePath: file, oldString: 'MONDAY-12', newString: 'FRIDAY-34' } }
        : { name: 'Edit', input: { file_path: file, old_string: 'MONDAY-12', new_string: 'FRIDAY-34' } };
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (!seen.includes('Move the plan')) return undefined;
        // The edit's result goes upstream under its id as the client's API spells it: `toolu_…` from the Anthropic
        // provider, `call_…` from Chat Completions.
        if (seen.includes('_sim_kilo_edit')) return sse(reply('Moved to FRIDAY-34.'));
        if (seen.includes('MONDAY-12')) {
          return sse([...toolCall({ id: 'toolu_sim_kilo_edit', ...edit }), ...finish('tool-calls')]);
        }
        return sse([...toolCall({ id: 'toolu_sim_kilo_read', ...read }), ...finish('tool-calls')]);
      });

      const run = await runKilo(work, 'Move the plan in plan.txt to Friday.', stack.url, KEY, { api, server: kilo });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.finalText).toBe('Moved to FRIDAY-34.');
      expect(fs.readFileSync(file, 'utf8')).toBe('Ship on FRIDAY-34.\n');
      // On Generation B the agent's Read and Edit reached Kilo as opencode's read and edit, in opencode's keys.
      expect(run.tools.map((t) => [t.tool, t.state.status, t.state.input])).toEqual([
        ['read', 'completed', { filePath: file }],
        ['edit', 'completed', { filePath: file, oldString: 'MONDAY-12', newString: 'FRIDAY-34' }],
      ]);
      expect(turnsAbout(stack, /Move the plan/).map((t) => t.protocol)).toEqual([
        mode.expect,
        mode.expect,
        mode.expect,
      ]);
    });
  },
);

/**
 * The delegating run (describeKiloDelegating) through Kilo's Anthropic provider on Generation B (over SSE and over
 * WebSocket) and on Generation A, and its OpenAI-compatible one on `ws`; kilo-cli-chat.test.ts has the
 * OpenAI-compatible one on `sse-b` and Generation A. Generation A's prompt renders Kilo's task envelope and the page's
 * markdown as text between its own tags, and the sub-agent's conversation as a prompt of its own, none of which
 * Generation B does.
 */
describeKiloDelegating([
  { mode: pinnedMode('sse-b'), api: 'anthropic', served: 'anthropic' },
  { mode: pinnedMode('ws'), api: 'anthropic', served: 'anthropic' },
  { mode: pinnedMode('ws'), api: 'openai-chat', served: 'openai-chat' },
  { mode: pinnedMode('sse-a'), api: 'anthropic', served: 'anthropic' },
]);
