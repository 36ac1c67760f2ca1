import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listedModels } from '../../main/core/orchids/model-map';
import { runClaude } from '../helpers/claude-code';
import { startClineTui } from '../helpers/cline-tui';
import { codexModels } from '../helpers/codex';
import { startContinueTui } from '../helpers/continue-tui';
import { config, OPENCODE, opencodeHome } from '../helpers/opencode';
import { runToExit } from '../helpers/processes';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';

/**
 * What real clients list as the proxy's models. opencode lists what its opencode.json declares and nothing else; Claude
 * Code 2.1's gateway model discovery reads `GET /v1/models` and keeps the Claude entries for its `/model`; Cline's
 * `/model` lists the ids of `GET /v1/models` under its OpenAI Compatible provider; Codex's catalog, fetched from `GET
 * /v1/models` too, names each model as the proxy's list does. Continue's `cn` has no listing but its `/model` picker,
 * which, like opencode, shows what its config declares.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  stack.core.settings.set('apiKey', KEY);
});
afterAll(async () => stack?.stop());

const KEY = 'test-model-lists-key';

/** `/v1/models` as a client gets it; `userAgent` as Claude Code's gateway discovery sends one (`claude-code/…`). */
async function proxyModels(
  userAgent = 'test',
): Promise<Array<{ id: string; display_name: string; description: string }>> {
  const headers = { 'x-api-key': KEY, 'user-agent': userAgent };
  const body = (await (await fetch(`${stack.url}/v1/models`, { headers })).json()) as {
    data: Array<Record<string, string>>;
  };
  return body.data.map((m) => ({ id: m.id!, display_name: m.display_name!, description: m.description! }));
}

describe('opencode models', () => {
  async function opencodeModels(configText: string) {
    return runToExit(OPENCODE, ['models', 'orchids-tray'], {
      cwd: tempDir('orchids-opencode-work-'),
      env: opencodeHome(configText),
    });
  }

  it(
    'lists the models opencode.json declares, and none without: it does not ask /v1/models',
    { timeout: 120_000 },
    async () => {
      const declared = JSON.parse(config(stack.url, KEY, 'anthropic'));
      const provider = declared.provider['orchids-tray'];
      const template = Object.values(provider.models)[0] as Record<string, unknown>;
      provider.models = Object.fromEntries(
        (await proxyModels()).map((m) => [m.id, { ...template, name: m.display_name }]),
      );
      const listed = await opencodeModels(JSON.stringify(declared));
      expect(listed.code).toBe(0);
      const ids = listed.stdout.trim().split('\n').sort();
      expect(ids).toEqual(
        listedModels(stack.core.settings.get('modelMap'))
          .map((id) => `orchids-tray/${id}`)
          .sort(),
      );

      // Without a `models` entry opencode does not ask /v1/models: the provider has no model, so none is listed.
      delete provider.models;
      const bare = await opencodeModels(JSON.stringify(declared));
      expect(bare.code).not.toBe(0);
      expect(bare.stderr).toContain('Provider not found: orchids-tray');
    },
  );
});

describe('Claude Code', () => {
  const env = (home: string, more: Record<string, string> = {}) => ({
    ANTHROPIC_BASE_URL: stack.url,
    ANTHROPIC_API_KEY: KEY,
    HOME: home,
    ...more,
  });

  it(
    'with gateway model discovery keeps every Claude model of /v1/models, named and described as the proxy has them',
    { timeout: 120_000 },
    async () => {
      const home = tempDir('orchids-cc-home-');
      const run = await runClaude(
        tempDir('orchids-cc-work-'),
        'hi',
        env(home, { CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1' }),
      );
      expect(run.code).toBe(0);
      const cache = JSON.parse(fs.readFileSync(path.join(home, '.claude/cache/gateway-models.json'), 'utf8'));
      expect(cache.baseUrl).toBe(stack.url);
      const asked = await proxyModels('claude-code/2.1.332');
      expect(cache.models).toEqual(asked.filter((m) => m.id.startsWith('claude-')));
      const byId = Object.fromEntries(cache.models.map((m: { id: string; display_name: string }) => [m.id, m]));
      expect(byId['claude-opus-4-6'].display_name).toBe('Claude Opus 4.6');
      expect(byId['claude-3-7-sonnet-20250219'].display_name).toBe('Claude Sonnet 3.7');
      // Told apart by its User-Agent, it gets names without "(runs …)": the description it shows beside each says it.
      expect(byId['claude-opus-4-5'].display_name).toBe('Claude Opus 4.5');
      expect(byId['claude-opus-4-5'].description).toBe('Runs Claude Opus 4.6 on Orchids');
      // It keeps each entry's description, which its /model shows in place of "From gateway".
      expect(byId['claude-opus-4-6-thinking'].description).toBe('Claude Opus 4.6 with thinking, on Orchids');
    },
  );

  /** The sentence Claude Code's system prompt names its model with, as the upstream received it. */
  function modelSentence(): string | undefined {
    const sentence = /You are powered by the model named [^.]+\.[^.]+\.[^.]+\. Assistant knowledge cutoff is \w+ \d+/;
    return stack.sim.requests.flatMap((r) => sentence.exec(r.rawBody)?.[0] ?? []).at(-1);
  }

  it(
    'names the model an alias resolves to in its own catalog; pinned to a served id, it names that one',
    { timeout: 120_000 },
    async () => {
      const run = await runClaude(tempDir('orchids-cc-work-'), 'hi', env(tempDir('orchids-cc-home-')), {
        model: 'opus',
      });
      expect(run.code).toBe(0);
      // Its newest Opus, which the model table's claude-opus-* sends to claude-opus-4-6.
      expect(modelSentence()).toMatch(/named Opus 5\.5\. The exact model ID is claude-opus-5-5\./);

      const pinned = await runClaude(
        tempDir('orchids-cc-work-'),
        'hi',
        env(tempDir('orchids-cc-home-'), { ANTHROPIC_DEFAULT_OPUS_MODEL: 'claude-opus-4-6' }),
        { model: 'opus' },
      );
      expect(pinned.code).toBe(0);
      expect(modelSentence()).toBe(
        'You are powered by the model named Opus 4.6. The exact model ID is claude-opus-4-6. ' +
          'Assistant knowledge cutoff is May 2025',
      );
    },
  );
});

describe('Codex debug models', () => {
  it(
    'prints the catalog it fetched from the proxy, each model named as /v1/models names it',
    { timeout: 120_000 },
    async () => {
      const catalog = await codexModels(stack.url, KEY);
      const names = Object.fromEntries(catalog.map((m) => [m.slug, m.display_name]));
      expect(names).toEqual(Object.fromEntries((await proxyModels()).map((m) => [m.id, m.display_name])));
      expect(names['claude-opus-4-6']).toBe('Claude Opus 4.6');
      // An id the table sends to another model says which one answers it, in Codex's picker as in Claude Code's.
      expect(names['claude-opus-4-5']).toBe('Claude Opus 4.5 (runs Claude Opus 4.6)');
    },
  );
});

describe("Cline's /model", () => {
  it('under OpenAI Compatible lists the ids of /v1/models, and no id of its own', { timeout: 120_000 }, async () => {
    const tui = await startClineTui(tempDir('orchids-cline-tui-work-'), stack.url, KEY, 'openai-compatible');
    try {
      await tui.submit('/model');
      await tui.waitFor(/Select Model[\s\S]*Provider: OpenAI Compatible/, 30_000);
      // The list scrolls: a search narrows it to rows that fit on the screen.
      tui.press('claude-opus');
      // Filtered once the search box holds the words and the list ends on its own row for an id Cline does not know.
      await tui.waitFor(/│ claude-opus\s+│[\s\S]*Create custom model ID/, 30_000);
      const rows = tui.screen().match(/\bclaude-opus-\d[\w.-]*/g) ?? [];
      const served = (await proxyModels()).map((m) => m.id).filter((id) => id.startsWith('claude-opus'));
      expect([...new Set(rows)].sort()).toEqual(served.sort());
      // Cline's own catalog (Claude Opus 5.5 and the like, under its Anthropic provider) is not offered here.
      expect(tui.screen()).not.toMatch(/Opus 5|claude-opus-5/);
    } finally {
      await tui.stop();
    }
  });
});

describe("Continue's /model", () => {
  it('lists the models config.yaml declares, none of /v1/models', { timeout: 120_000 }, async () => {
    const tui = startContinueTui(tempDir('orchids-continue-work-'), stack.url, KEY, 'openai');
    try {
      await tui.waitFor(/Ask anything/, 60_000);
      await tui.submit('/model');
      const picker = /Select Model([\s\S]*)↑\/↓ to navigate/;
      await tui.waitFor(picker, 30_000);
      // cn has no model listing of its own (no `cn models`): its picker shows the chat models of its config only.
      const rows = picker
        .exec(tui.screen())![1]!
        .split('\n')
        .map((line) => line.replace(/│/g, '').trim())
        .filter(Boolean);
      expect(rows).toEqual(['➤ Claude via Orchids Tray ✔']);
      expect(tui.screen()).not.toMatch(/claude-opus|Claude Opus/);
    } finally {
      await tui.stop();
    }
  });
});
