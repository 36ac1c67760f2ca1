import { afterEach, describe, expect, it } from 'vitest';
import { pinnedMode } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { startCliStack, turnsAbout } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { refusedHandshakes, runCodex, type CodexRun } from '../helpers/codex';

/**
 * The real Codex CLI with README's custom provider (`model_providers`) and a wrong key. Its POST gets the 401 every
 * other client relies on (the OpenAI SDK's AuthenticationError), which Codex 0.171 retries as it retries any status
 * but 400 and a few 429s: `x-should-retry` and the body's `code` do not change that. What stops the retries is
 * config.toml's `stream_max_retries = 0`, as README says. A provider declared in config.toml opens no WebSocket
 * (Codex's `supports_websockets` is off for it): its built-in `openai` provider, which does, is refused on the
 * handshake instead (codex-builtin-openai.test.ts).
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-codex-wrong-key-real';
const WS = pinnedMode('ws');
const REFUSED =
  /^unexpected status 401 Unauthorized: Incorrect API key provided: it is not the key set in Orchids Tray/;

/** Codex's error lines, in order: each `Reconnecting… n/5`, then the failed turn's message. */
const said = (run: CodexRun) =>
  run.events.flatMap((e) => {
    if (e.type === 'error') return [String(e.message)];
    if (e.type === 'turn.failed') return [String((e.error as { message?: unknown } | undefined)?.message)];
    return [];
  });

describe('Codex CLI with a custom provider and a wrong key (ws)', () => {
  it('retries the 401 five times with its default settings, then fails in the proxy’s words', async () => {
    stack = await startCliStack(WS, KEY);
    const run = await runCodex(tempDir('orchids-codex-work-'), 'Name a fruit.', stack.url, 'not-the-key', {
      defaultRetries: true,
    });
    expect(run.code).not.toBe(0);
    const lines = said(run);
    expect(lines.filter((line) => line.startsWith('Reconnecting... ')).map((line) => line.slice(0, 19))).toEqual(
      [1, 2, 3, 4, 5].map((n) => `Reconnecting... ${n}/5`),
    );
    expect(lines.at(-1)).toMatch(REFUSED);
    expect(refusedHandshakes(run), run.stderr).toBe(0);
    expect(turnsAbout(stack, /Name a fruit/)).toEqual([]);
  }, 90_000);

  it("stops at the first 401 with the provider's stream_max_retries = 0", async () => {
    stack = await startCliStack(WS, KEY);
    // Appended to config.toml's last table, the provider's, as README's line goes.
    const run = await runCodex(tempDir('orchids-codex-work-'), 'Name a fruit.', stack.url, 'not-the-key', {
      defaultRetries: true,
      extraConfig: ['stream_max_retries = 0'],
    });
    expect(run.code).not.toBe(0);
    const lines = said(run);
    expect(lines.filter((line) => line.startsWith('Reconnecting'))).toEqual([]);
    expect(lines.at(-1)).toMatch(REFUSED);
    expect(refusedHandshakes(run), run.stderr).toBe(0);
    expect(turnsAbout(stack, /Name a fruit/)).toEqual([]);
  }, 60_000);
});
