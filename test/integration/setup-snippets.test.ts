import { describe, expect, it } from 'vitest';
import { snippets } from '../../renderer/src/lib/setup-snippets';
import { clineSettingsAfter, providers as clineProviders, type ClineProvider } from '../helpers/cline';
import { config as continueConfig } from '../helpers/continue';
import { config as opencodeConfig, OPENCODE_MODEL, opencodeModel, opencodeReads } from '../helpers/opencode';
import { contextWindowFor, DEFAULT_MODEL_MAP, mapModel } from '../../main/core/orchids/model-map';

/**
 * The Overview's setup for opencode, Cline and Continue is what their real-client tests (opencode-cli, cline-cli,
 * cline-openai-cli, continue-cli) configure those clients with, read by the clients themselves where they can say
 * what they read: a change to either side that the other does not follow fails here, not in a user's terminal.
 */
const URL = 'http://127.0.0.1:3002';
const KEY = 'not-needed'; // what the window shows while no API key is set

function snippet(id: string): string {
  const found = snippets(URL, false).find((s) => s.id === id);
  if (!found) throw new Error(`no ${id} snippet`);
  return found.code;
}

describe('the setup card', () => {
  it("opencode's snippet, pasted whole as opencode.json, is read by opencode as the tests' provider", async () => {
    const code = snippet('opencode');
    const tested = JSON.parse(opencodeConfig(URL, KEY, 'anthropic')) as Record<string, unknown>;
    // The comment lines go into the file too: opencode reads JSONC.
    const read = await opencodeReads(code);
    expect(read.model).toBe(tested.model);
    // opencode prints the key as *** : compared below, from the file itself.
    const provider = (read.provider as Record<string, { options: Record<string, unknown> }>)['orchids-tray']!;
    expect({ ...provider, options: { ...provider.options, apiKey: KEY } }).toEqual(
      (tested.provider as Record<string, unknown>)['orchids-tray'],
    );
    const withoutComments = code
      .split('\n')
      .filter((line) => !line.startsWith('//'))
      .join('\n');
    const { autoupdate: _a, share: _s, ...usersPart } = tested;
    expect(JSON.parse(withoutComments)).toEqual(usersPart);
  }, 60_000);

  it("opencode's snippet gives a model opencode sends pictures and PDFs to, with the proxy's window", async () => {
    // Without it opencode sends "ERROR: Cannot read … (this model does not support image input)" in their place.
    const model = await opencodeModel(snippet('opencode'));
    expect(model.capabilities.input).toMatchObject({ text: true, image: true, pdf: true });
    // The window it compacts by is the one the proxy's /v1/models gives for the model the id reaches upstream.
    const window = contextWindowFor(mapModel(OPENCODE_MODEL, DEFAULT_MODEL_MAP));
    expect(window).toBeGreaterThan(0);
    expect(model.limit.context).toBe(window);
  }, 60_000);

  it("Cline's commands, run as given, leave the providers.json the Cline tests run, both providers", async () => {
    const code = snippet('cline');
    const auth = code
      .split('\n')
      .filter((line) => line.startsWith('cline auth '))
      .map((line) => line.split(' ').slice(1));
    expect(auth.map((args) => args[1])).toEqual(['anthropic', 'openai-compatible']);
    const written = (await clineSettingsAfter(...auth)) as {
      providers: Record<ClineProvider, { settings: Record<string, unknown> }>;
    };
    // The hand edit the snippet asks for: its `"baseUrl": …` line into the anthropic entry's settings.
    const edit = /^#\s+("baseUrl": ".*")$/m.exec(code)?.[1];
    expect(edit).toBeDefined();
    Object.assign(written.providers.anthropic.settings, JSON.parse(`{${edit}}`));
    for (const provider of ['anthropic', 'openai-compatible'] as const) {
      const tested = JSON.parse(clineProviders(URL, KEY, provider)) as typeof written;
      expect(written.providers[provider].settings, provider).toEqual(tested.providers[provider].settings);
    }
    // And the run line for each provider is the one the tests use (`-P <provider>`).
    expect(code).toContain('cline -P anthropic ');
    expect(code).toContain('cline -P openai-compatible ');
  }, 60_000);

  it("Continue's snippet is the config.yaml the Continue test runs cn with, comments aside", () => {
    const lines = (text: string): string[] =>
      text.split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
    expect(lines(snippet('continue'))).toEqual(lines(continueConfig(URL, KEY, 'anthropic')));
  });
});
