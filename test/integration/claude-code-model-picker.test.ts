import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { reply, sse } from '../sim/orchids-simulator';
import {
  agentTurnsAbout,
  CLAUDE_CODE_TITLE,
  notesFolder,
  titled,
  startClaudeCodeTui,
} from '../helpers/claude-code-tui';
import { startCliStack } from '../helpers/cli-clients';
import type { Stack } from '../helpers/stack';
import type { Terminal } from '../helpers/tmux-terminal';
import { until } from '../helpers/wait';
import { pinnedMode, answered, upstreamModel, upstreamText } from '../helpers/upstream';

/**
 * Claude Code's `/model` picker in its window, pointed at the proxy: what it lists with no variables (its own
 * catalog), with README's pinned aliases, and with gateway model discovery (the proxy's `/v1/models`); and that the
 * model picked there is the one the next turn asks the proxy for, and reaches upstream as the model table says.
 */
let stack: Stack;
let tui: Terminal;
const stopAfter = stopsAfterEach();
const KEY = 'test-claude-code-model-picker-key';
const PINNED = {
  ANTHROPIC_DEFAULT_OPUS_MODEL: 'claude-opus-4-6',
  ANTHROPIC_DEFAULT_SONNET_MODEL: 'claude-sonnet-4-6',
  ANTHROPIC_DEFAULT_HAIKU_MODEL: 'claude-haiku-4-5',
};
/** The agent's turns this test, each answered `Answer <n>.` (the window's title request is answered apart). */
let turns = 0;
const PICKER = /Select model[\s\S]*Enter to save/;

async function open(env: Record<string, string>): Promise<void> {
  stack = stopAfter(await startCliStack(pinnedMode('ws'), KEY));
  let answers = 0;
  turns = 0;
  stack.sim.onAgentRequest(titled('Picker', () => sse(reply(`Answer ${++answers}.`))));
  tui = stopAfter(startClaudeCodeTui(notesFolder('x\n').work, stack.url, KEY, { permissionMode: 'default', env }));
  await tui.submit('/model');
  await tui.waitFor(PICKER, 60_000);
}

/** The picker's rows, as `label  description` with the columns' padding made two spaces. */
function rows(): string[] {
  return tui
    .screen()
    .split('\n')
    .map((line) =>
      /^\s+(?:❯\s)?\s*\d+\.\s+(.*)$/
        .exec(line)?.[1]
        ?.replace(/\s{2,}/g, '  ')
        .trim(),
    )
    .filter((row): row is string => row !== undefined);
}

/** Moves the picker's cursor down to the row labelled `label` and takes it (Enter: for this and new sessions). */
async function pick(label: string): Promise<void> {
  const current = () => /^\s+❯\s+\d+\.\s+(.*)$/m.exec(tui.screen())?.[1] ?? '';
  await until(
    async () => {
      if (current().startsWith(label)) return true;
      tui.press('Down');
      await new Promise((resolve) => setTimeout(resolve, 300));
      return current().startsWith(label);
    },
    { timeoutMs: 30_000, what: `the cursor on ${label} (${current()})` },
  );
  tui.press('Enter');
  await closed();
}

function closed(): Promise<void> {
  return until(() => !PICKER.test(tui.screen()), { timeoutMs: 30_000, what: 'the picker to close' });
}

/**
 * Sends a turn and says which models the window asked the proxy for (the turn's, and on a first turn its title's,
 * from the app's history) and which model the agent's turn reached upstream as.
 */
async function turn(): Promise<{ asked: string[]; upstream: string | undefined }> {
  await stack.core.internals.history.flushNow();
  const before = stack.core.internals.historyRepo.query({}).length;
  const prompt = `Turn ${turns + 1}, say hi`;
  await tui.submit(prompt);
  await tui.waitFor(new RegExp(`● Answer ${++turns}\\.`), 90_000);
  await stack.core.internals.history.flushNow();
  const rows = stack.core.internals.historyRepo.query({});
  const asked = [...new Set(rows.slice(0, rows.length - before).map((row) => row.model))].sort();
  return { asked, upstream: upstreamModel(agentTurnsAbout(stack, new RegExp(prompt)).at(-1)!) };
}

describe("Claude Code's /model picker through the proxy (pinned ws)", () => {
  it('with no variables lists its own catalog, which the model table maps', { timeout: 180_000 }, async () => {
    await open({});
    expect(rows()).toEqual([
      'Default (recommended) ✔  Use the default model (currently Opus 5.5) · $4/$20 per Mtok',
      'Opus  Opus 5.5 · Best for everyday, complex tasks · $4/$20 per Mtok',
      'Fable  Fable 5.2 · Most capable for your hardest and longest-running tasks · $8/$40 per Mtok',
      'Sonnet  Sonnet 5.5 · Efficient for routine tasks · $2/$10 per Mtok',
      'Haiku  Haiku 5.5 · Fastest for quick answers · $0.10/$0.50 per Mtok ($0.50/$2.50 for prompts over 100k)',
    ]);
    await pick('Sonnet');
    expect(await turn()).toEqual({ asked: ['claude-sonnet-5-5'], upstream: 'claude-sonnet-4-6' });
    await tui.submit('/model');
    await tui.waitFor(PICKER, 30_000);
    await pick('Fable');
    // Another family mid-conversation: Claude Code asks first, since its prompt cache is the old model's.
    const ask = /Switch model\?[\s\S]*1\. Yes, switch to Fable 5\.2/;
    await tui.waitFor(ask, 30_000);
    await tui.choose('1', ask);
    expect(await turn()).toEqual({ asked: ['claude-fable-5-2'], upstream: 'claude-opus-4-6' });
  });

  it(
    "with README's pinned aliases names what runs, its default on Opus 4.6 (1M context)",
    { timeout: 180_000 },
    async () => {
      await open(PINNED);
      expect(rows()).toEqual([
        'Default (recommended) ✔  Use the default model (currently Opus 4.6 (1M context)) · $5/$25 per Mtok',
        'Opus 4.6  Custom Opus model (claude-opus-4-6)',
        'Fable  Fable 5.2 · Most capable for your hardest and longest-running tasks · $8/$40 per Mtok',
        'Sonnet 4.6  Custom Sonnet model (claude-sonnet-4-6)',
        'Haiku 4.5  Custom Haiku model (claude-haiku-4-5)',
      ]);
      await pick('Haiku 4.5');
      expect(await turn()).toEqual({ asked: ['claude-haiku-4-5'], upstream: 'claude-haiku-4-5' });
    },
  );

  it(
    'with CLAUDE_CODE_DISABLE_1M_CONTEXT its default is Opus 4.6, on a 200k window',
    { timeout: 180_000 },
    async () => {
      await open({ ...PINNED, CLAUDE_CODE_DISABLE_1M_CONTEXT: '1' });
      expect(rows()[0]).toBe('Default (recommended) ✔  Use the default model (currently Opus 4.6) · $5/$25 per Mtok');
      tui.press('Escape');
      await closed();
      // Its title request goes on the pinned Haiku, no longer on the conversation's model.
      expect(await turn()).toEqual({ asked: ['claude-haiku-4-5', 'claude-opus-4-6'], upstream: 'claude-opus-4-6' });
      await tui.submit('/context');
      await tui.waitFor(/claude-opus-4-6\s[\s\S]*\/200k tokens/, 30_000);
    },
  );

  it(
    'with gateway discovery adds /v1/models after its own, each named and described for what runs',
    { timeout: 180_000 },
    async () => {
      await open({ CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1' });
      await tui.waitFor(/Claude Sonnet 4\.6 /, 30_000);
      // Each entry's `description` stands where Claude Code writes "From gateway" for an entry without one, and
      // says what runs, so the name beside it does not say it again (Codex's picker, without one, gets it said).
      expect(rows().slice(4, 8)).toEqual([
        'Haiku  Haiku 5.5 · Fastest for quick answers · $0.10/$0.50 per Mtok ($0.50/$2.50 for prompts over 100k)',
        'Claude Sonnet 4.5  Runs Claude Sonnet 4.6 on Orchids',
        'Claude Sonnet 4.6  Runs Claude Sonnet 4.6 on Orchids',
        'Claude Sonnet 4.6 Thinking  Claude Sonnet 4.6 with thinking, on Orchids',
      ]);
      expect(tui.screen()).not.toContain('From gateway');
      await pick('Claude Opus 4.5');
      // Once picked, Claude Code names it by its own catalog, not by the list's name.
      await tui.waitFor(/Set model to Opus 4\.5 /, 30_000);
      expect(await turn()).toEqual({ asked: ['claude-opus-4-5'], upstream: 'claude-opus-4-6' });
    },
  );

  it(
    'with the _NAME and _DESCRIPTION variables names its pinned rows so; a pinned Fable is asked for by that id',
    { timeout: 180_000 },
    async () => {
      await open({
        ...PINNED,
        ANTHROPIC_DEFAULT_FABLE_MODEL: 'claude-opus-4-6-thinking',
        ANTHROPIC_DEFAULT_FABLE_MODEL_NAME: 'Deep Opus',
        ANTHROPIC_DEFAULT_FABLE_MODEL_DESCRIPTION: 'Opus 4.6 thinking on Orchids',
        ANTHROPIC_DEFAULT_OPUS_MODEL_NAME: 'Orchids Opus',
        ANTHROPIC_DEFAULT_OPUS_MODEL_DESCRIPTION: 'Runs Claude Opus 4.6 on Orchids',
        ANTHROPIC_DEFAULT_HAIKU_MODEL_NAME: 'Orchids Haiku',
      });
      expect(rows()).toEqual([
        'Default (recommended) ✔  Use the default model (currently Opus 4.6 (1M context)) · $5/$25 per Mtok',
        'Orchids Opus  Runs Claude Opus 4.6 on Orchids',
        'Deep Opus  Opus 4.6 thinking on Orchids',
        'Sonnet 4.6  Custom Sonnet model (claude-sonnet-4-6)',
        // A name without a description drops the id from the default one.
        'Orchids Haiku  Custom Haiku model',
      ]);
      await pick('Deep Opus');
      // The names are the picker's only: the pick is named, to you and to the agent, by Claude Code's catalog.
      await tui.waitFor(/Set model to Opus 4\.6 /, 30_000);
      expect(await turn()).toEqual({
        asked: ['claude-haiku-4-5', 'claude-opus-4-6-thinking'],
        upstream: 'claude-opus-4-6',
      });
      const named = stack.sim.requests.flatMap(
        (r) => /You are powered by the model named [^.]+\.[^.]+\.[^.]+\./.exec(r.rawBody) ?? [],
      );
      expect(named.at(-1)).toBe(
        'You are powered by the model named Opus 4.6. The exact model ID is claude-opus-4-6-thinking.',
      );
      // The window's title request, on the pinned Haiku, is a request like any: the table sends it to Haiku 4.5, it
      // costs one upstream turn on an account (the history row says which), and it is answered.
      const titles = answered(stack.sim.requests).filter((r) => CLAUDE_CODE_TITLE.test(upstreamText(r)));
      expect(titles.map(upstreamModel)).toEqual(['claude-haiku-4-5']);
      const titleRows = stack.core.internals.historyRepo.query({}).filter((row) => row.model === 'claude-haiku-4-5');
      expect(
        titleRows.map(({ upstreamModel, status, retries, accountId }) => ({
          upstreamModel,
          status,
          retries,
          accountId,
        })),
      ).toEqual([{ upstreamModel: 'claude-haiku-4-5', status: 200, retries: 0, accountId: expect.any(Number) }]);
    },
  );
});
