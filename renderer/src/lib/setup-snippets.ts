/** The Overview's ready-to-paste setup per client (components/SetupSnippets.tsx shows it). */
import { claudeCodeCommand } from '../../../contract/claude-code-env';

/** Where a snippet's API key goes once the app has one: the window never holds the key itself. */
export const KEY = '<your API key>';

/** The coding agents a person runs in a terminal, or the SDKs and raw HTTP for their own code. */
export type Group = 'agents' | 'code';

/**
 * Nine tabs do not share one row in a 420 px window, and a tab row wrapped onto two lines puts the selected tab's
 * underline in the middle of the other row's labels. So the card first asks which kind of client (a two-way switch,
 * the theme switcher's control), then shows that kind's tabs, five at most, on one row at every width from 360 px.
 * A person who came for their agent sees it without a click; one who came for an SDK makes one more.
 */
export const GROUPS: ReadonlyArray<{ id: Group; label: string }> = [
  { id: 'agents', label: 'Coding agents' },
  { id: 'code', label: 'Code' },
];

export interface Snippet {
  id: string;
  group: Group;
  label: string;
  suffix?: string;
  narrow?: string;
  code: string;
}

/**
 * `suffix` is left out of the tab when the card is narrow, and `narrow` (if any) stands for the label there: a
 * group's tabs share one row down to a 360 px window only so ("Claude Code" alone would push "Continue" onto a second
 * row). The accessible name keeps the whole label.
 */
export function snippets(url: string, apiKeySet: boolean): Snippet[] {
  const key = apiKeySet ? KEY : 'not-needed';
  return [
    {
      id: 'claude',
      group: 'agents',
      label: 'Claude Code',
      narrow: 'Claude',
      code: claudeCodeCommand(url, key),
    },
    {
      id: 'codex',
      group: 'agents',
      label: 'Codex',
      suffix: ' CLI',
      // model_catalog_url: without it Codex knows no Claude id and declares no apply_patch (README, Codex CLI).
      code: `# ~/.codex/config.toml
model = "claude-sonnet-4-6"
model_provider = "orchids-tray"

[model_providers.orchids-tray]
name = "Orchids Tray"
base_url = "${url}/v1"
model_catalog_url = "${url}/v1/models"
wire_api = "responses"
env_key = "ORCHIDS_TRAY_API_KEY"

# then, in a terminal:
ORCHIDS_TRAY_API_KEY=${key} codex`,
    },
    {
      id: 'opencode',
      group: 'agents',
      label: 'opencode',
      // JSONC, as opencode reads its config: the comment lines may go into the file with the rest.
      code: `// ~/.config/opencode/opencode.json (or opencode.json in your project)
{
  "$schema": "https://opencode.ai/config.json",
  "provider": {
    "orchids-tray": {
      "npm": "@ai-sdk/anthropic",
      "name": "Orchids Tray",
      "options": { "baseURL": "${url}/v1", "apiKey": "${key}" },
      "models": {
        "claude-sonnet-4-6": {
          "name": "Claude Sonnet 4.6 via Orchids Tray",
          "modalities": { "input": ["text", "image", "pdf"], "output": ["text"] },
          "limit": { "context": 200000, "output": 32000 }
        }
      }
    }
  },
  "model": "orchids-tray/claude-sonnet-4-6"
}
// then, in a terminal: opencode`,
    },
    {
      id: 'cline',
      group: 'agents',
      label: 'Cline',
      suffix: ' CLI',
      // `cline auth` takes a base URL only for OpenAI-style providers; the Anthropic one reads it from the file.
      code: `# Cline CLI 3, its Anthropic provider:
cline auth anthropic -k ${key} -m claude-sonnet-4-6
# then add to the "anthropic" entry's "settings" in ~/.cline/data/settings/providers.json
# (with /v1: Cline posts to <baseUrl>/messages):
#   "baseUrl": "${url}/v1"
cline -P anthropic "…"

# or its OpenAI Compatible provider (Chat Completions), in one command:
cline auth openai-compatible -k ${key} -m claude-sonnet-4-6 -b ${url}/v1
cline -P openai-compatible "…"`,
    },
    {
      id: 'continue',
      group: 'agents',
      label: 'Continue',
      suffix: ' CLI',
      // apiBase with its trailing slash, as the Continue test runs it.
      code: `# ~/.continue/config.yaml (or any file: cn --config <file>)
name: Orchids Tray
version: 1.0.0
schema: v1
models:
  - name: Claude via Orchids Tray
    provider: anthropic
    model: claude-sonnet-4-6
    apiBase: ${url}/v1/
    apiKey: ${key}
    roles: [chat, edit, apply]

# then, in a terminal: cn (or cn -p "…" for one answer)`,
    },
    {
      id: 'ts',
      group: 'code',
      label: 'TypeScript',
      suffix: ' SDK',
      narrow: 'TS',
      code: `import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic({
  baseURL: '${url}',
  apiKey: '${key}',
});

const message = await client.messages.create({
  model: 'claude-sonnet-4-6',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Hello' }],
});
console.log(message.content);`,
    },
    {
      id: 'python',
      group: 'code',
      label: 'Python',
      suffix: ' SDK',
      code: `import anthropic

client = anthropic.Anthropic(
    base_url="${url}",
    api_key="${key}",
)

message = client.messages.create(
    model="claude-sonnet-4-6",
    max_tokens=1024,
    messages=[{"role": "user", "content": "Hello"}],
)
print(message.content)`,
    },
    {
      id: 'openai',
      group: 'code',
      label: 'OpenAI',
      suffix: '-compatible',
      // Every other client that speaks OpenAI's API (Cursor, Zed, aider ...) takes these two values.
      code: `Base URL: ${url}/v1
API key:  ${key}
Model:    claude-sonnet-4-6   (or any id from ${url}/v1/models)

import OpenAI from 'openai';

const client = new OpenAI({ baseURL: '${url}/v1', apiKey: '${key}' });
const completion = await client.chat.completions.create({
  model: 'claude-sonnet-4-6',
  messages: [{ role: 'user', content: 'Hello' }],
});
console.log(completion.choices[0].message.content);`,
    },
    {
      id: 'curl',
      group: 'code',
      label: 'curl',
      code: `curl ${url}/v1/messages \\
  -H 'content-type: application/json' \\
  -H 'anthropic-version: 2023-06-01' \\${apiKeySet ? `\n  -H 'x-api-key: ${KEY}' \\` : ''}
  -d '{"model":"claude-sonnet-4-6","max_tokens":256,"messages":[{"role":"user","content":"Hello"}]}'`,
    },
  ];
}
