/** The Overview's ready-to-paste setup per client (components/SetupSnippets.tsx shows it). */
import { claudeCodeCommand } from '../../../contract/claude-code-env';

/** Where a snippet's API key goes once the app has one: the window never holds the key itself. */
export const KEY = '<your API key>';

/** The coding agents a person runs in a terminal, or the SDKs and raw HTTP for their own code. */
export type Group = 'agents' | 'code';

/**
 * Twelve tabs do not share one row in a 420 px window, and a tab row wrapped onto two lines puts the selected tab's
 * underline in the middle of the other row's labels. So the card first asks which kind of client (a two-way switch,
 * the theme switcher's control), then shows that kind's tabs: the four for code on one row at every width from 360 px,
 * the eight agents on one row in a wide card and in rows of four, each over its own rule, in a narrower one (see
 * overview.css, .tabs-rows). A person who came for their agent sees it without a click; one who came for an SDK makes
 * one more.
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

/** opencode's provider entry, which Kilo Code's CLI (its fork) reads as it is. */
function opencodeJson(url: string, key: string): string {
  return `{
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
}`;
}

/**
 * `suffix` is left out of the tab when the card is narrow, and `narrow` (if any) stands for the label there: the SDKs'
 * tabs share one row down to a 360 px window, and the agents' rows of four fit it, only so ("Kilo Code" and "Continue"
 * are wider than a quarter of its card). The accessible name keeps the whole label. The agents are in the order of
 * README's "Point your tools at it" (test/unit/readme-references.test.ts holds them to its table).
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
${opencodeJson(url, key)}
// then, in a terminal: opencode`,
    },
    {
      id: 'kilo',
      group: 'agents',
      label: 'Kilo Code',
      suffix: ' CLI',
      narrow: 'Kilo',
      // A fork of opencode: the same file, read from Kilo's own folder. The variable keeps Kilo's PostHog calls off.
      code: `// ~/.config/kilo/kilo.json (Kilo reads opencode's config as it is)
${opencodeJson(url, key)}
// then, in a terminal: KILO_TELEMETRY_LEVEL=off kilo run "…"`,
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
      id: 'qwen',
      group: 'agents',
      label: 'Qwen Code',
      narrow: 'Qwen',
      // Chat Completions through Qwen's `openai` auth; the URL and key go in its environment, not the file.
      code: `// ~/.qwen/settings.json
{
  "security": { "auth": { "selectedType": "openai" } },
  "model": { "name": "claude-sonnet-4-6" },
  "general": { "enableAutoUpdate": false },
  "privacy": { "usageStatisticsEnabled": false },
  "telemetry": { "enabled": false },
  "memory": { "enableManagedAutoMemory": false, "enableManagedAutoDream": false }
}
// then, in a terminal (or qwen --yolo -p "…" for one answer):
OPENAI_BASE_URL=${url}/v1 OPENAI_API_KEY=${key} qwen`,
    },
    {
      id: 'pi',
      group: 'agents',
      label: 'pi',
      // pi adds /v1/messages to the Messages provider's URL itself; `apiKey` names the variable, not the key.
      code: `// ~/.pi/agent/models.json
{
  "providers": {
    "orchids": {
      "baseUrl": "${url}",
      "api": "anthropic-messages",
      "apiKey": "ORCHIDS_TRAY_API_KEY",
      "models": [{ "id": "claude-sonnet-4-6" }]
    },
    "orchids-openai": {
      "baseUrl": "${url}/v1",
      "api": "openai-completions",
      "apiKey": "ORCHIDS_TRAY_API_KEY",
      "models": [{ "id": "claude-sonnet-4-6" }]
    }
  }
}
// then, in a terminal (--provider orchids-openai for Chat Completions):
ORCHIDS_TRAY_API_KEY=${key} pi --offline --provider orchids --model claude-sonnet-4-6`,
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
