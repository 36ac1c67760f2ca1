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

/**
 * One block of a tab's setup, shown under its own caption with its own Copy: pasted whole, a file with the command
 * that runs it in one block broke the file (Qwen Code renamed its settings.json to settings.json.corrupted).
 * DECISION: four kinds, by what a person does with the block: `file` is a whole file's contents, saved as `path`
 * (and nothing else: no comment naming it, so JSON stays JSON); `edit` is a line to add to a file the client already
 * wrote (Cline's); `command` is run in a terminal; `code` is the rest (an SDK's program, the values another client
 * asks for). A caption says what to do with it; `note` adds to the one the kind gives.
 */
export type Part =
  | { kind: 'file'; path: string; note?: string; text: string }
  | { kind: 'edit'; path: string; caption: string; text: string }
  | { kind: 'command'; caption?: string; name?: string; text: string }
  | { kind: 'code'; caption?: string; name?: string; text: string };

export interface Snippet {
  id: string;
  group: Group;
  label: string;
  suffix?: string;
  narrow?: string;
  parts: Part[];
}

/** The tab's whole name: "Codex CLI". */
export function labelOf(snippet: Snippet): string {
  return snippet.label + (snippet.suffix ?? '');
}

/**
 * What a part's Copy copies, for its accessible name and its code box's ("Copy Qwen Code settings.json"): a tab of one
 * part keeps "setup", as before; a file goes by its name, a command by "command" unless it names itself.
 */
export function partName(snippet: Snippet, part: Part): string {
  if (snippet.parts.length === 1) return 'setup';
  const base = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
  switch (part.kind) {
    case 'file':
      return base(part.path);
    case 'edit':
      return `${base(part.path)} line`;
    case 'command':
      return part.name ?? 'command';
    case 'code':
      return part.name ?? 'code';
  }
}

/**
 * The line over a part, if any: a file says where it goes; a command after a file says it comes next, in a terminal.
 * DECISION: a tab of one part has no caption unless its part brings one, so the single-block tabs look as before.
 */
export function captionOf(snippet: Snippet, part: Part): string | undefined {
  switch (part.kind) {
    case 'file':
      return `Save as ${part.path}${part.note ? ` ${part.note}` : ''}`;
    case 'edit':
      return part.caption;
    case 'command':
    case 'code':
      if (part.caption) return part.caption;
      return snippet.parts.indexOf(part) > 0 ? 'Then, in a terminal' : undefined;
  }
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
      parts: [{ kind: 'command', text: claudeCodeCommand(url, key) }],
    },
    {
      id: 'codex',
      group: 'agents',
      label: 'Codex',
      suffix: ' CLI',
      parts: [
        {
          kind: 'file',
          path: '~/.codex/config.toml',
          // model_catalog_url: without it Codex knows no Claude id and declares no apply_patch (README, Codex CLI).
          text: `model = "claude-sonnet-4-6"
model_provider = "orchids-tray"

[model_providers.orchids-tray]
name = "Orchids Tray"
base_url = "${url}/v1"
model_catalog_url = "${url}/v1/models"
wire_api = "responses"
env_key = "ORCHIDS_TRAY_API_KEY"`,
        },
        { kind: 'command', text: `ORCHIDS_TRAY_API_KEY=${key} codex` },
      ],
    },
    {
      id: 'opencode',
      group: 'agents',
      label: 'opencode',
      parts: [
        {
          kind: 'file',
          path: '~/.config/opencode/opencode.json',
          note: '(or opencode.json in your project)',
          text: opencodeJson(url, key),
        },
        { kind: 'command', text: 'opencode' },
      ],
    },
    {
      id: 'kilo',
      group: 'agents',
      label: 'Kilo Code',
      suffix: ' CLI',
      narrow: 'Kilo',
      // A fork of opencode: the same file, read from Kilo's own folder. The variable keeps Kilo's PostHog calls off.
      parts: [
        {
          kind: 'file',
          path: '~/.config/kilo/kilo.json',
          note: "(Kilo reads opencode's config as it is)",
          text: opencodeJson(url, key),
        },
        { kind: 'command', text: 'KILO_TELEMETRY_LEVEL=off kilo run "…"' },
      ],
    },
    {
      id: 'cline',
      group: 'agents',
      label: 'Cline',
      suffix: ' CLI',
      // `cline auth` takes a base URL only for OpenAI-style providers; the Anthropic one reads it from the file.
      parts: [
        {
          kind: 'command',
          caption: 'Cline CLI 3, its Anthropic provider: in a terminal',
          name: 'Anthropic sign-in command',
          text: `cline auth anthropic -k ${key} -m claude-sonnet-4-6`,
        },
        {
          kind: 'edit',
          path: '~/.cline/data/settings/providers.json',
          caption:
            'Then add to the "anthropic" entry\'s "settings" in ~/.cline/data/settings/providers.json, ' +
            'a comma between it and its neighbours (with /v1: Cline posts to <baseUrl>/messages)',
          text: `"baseUrl": "${url}/v1"`,
        },
        { kind: 'command', caption: 'Then', name: 'Anthropic command', text: 'cline -P anthropic "…"' },
        {
          kind: 'command',
          caption: 'Or its OpenAI Compatible provider (Chat Completions), no file to edit',
          name: 'OpenAI Compatible commands',
          text: `cline auth openai-compatible -k ${key} -m claude-sonnet-4-6 -b ${url}/v1
cline -P openai-compatible "…"`,
        },
      ],
    },
    {
      id: 'continue',
      group: 'agents',
      label: 'Continue',
      suffix: ' CLI',
      parts: [
        {
          kind: 'file',
          path: '~/.continue/config.yaml',
          note: '(or any file: cn --config <file>)',
          // apiBase with its trailing slash, as the Continue test runs it.
          text: `name: Orchids Tray
version: 1.0.0
schema: v1
models:
  - name: Claude via Orchids Tray
    provider: anthropic
    model: claude-sonnet-4-6
    apiBase: ${url}/v1/
    apiKey: ${key}
    roles: [chat, edit, apply]`,
        },
        { kind: 'command', caption: 'Then, in a terminal (or cn -p "…" for one answer)', text: 'cn' },
      ],
    },
    {
      id: 'qwen',
      group: 'agents',
      label: 'Qwen Code',
      narrow: 'Qwen',
      // Chat Completions through Qwen's `openai` auth; the URL and key go in its environment, not the file.
      parts: [
        {
          kind: 'file',
          path: '~/.qwen/settings.json',
          text: `{
  "security": { "auth": { "selectedType": "openai" } },
  "model": { "name": "claude-sonnet-4-6" },
  "general": { "enableAutoUpdate": false },
  "privacy": { "usageStatisticsEnabled": false },
  "telemetry": { "enabled": false },
  "memory": { "enableManagedAutoMemory": false, "enableManagedAutoDream": false }
}`,
        },
        {
          kind: 'command',
          caption: 'Then, in a terminal (or qwen --yolo -p "…" for one answer)',
          text: `OPENAI_BASE_URL=${url}/v1 OPENAI_API_KEY=${key} qwen`,
        },
      ],
    },
    {
      id: 'pi',
      group: 'agents',
      label: 'pi',
      // pi adds /v1/messages to the Messages provider's URL itself; `apiKey` names the variable, not the key.
      parts: [
        {
          kind: 'file',
          path: '~/.pi/agent/models.json',
          text: `{
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
}`,
        },
        {
          kind: 'command',
          caption: 'Then, in a terminal (--provider orchids-openai for Chat Completions)',
          text: `ORCHIDS_TRAY_API_KEY=${key} pi --offline --provider orchids --model claude-sonnet-4-6`,
        },
      ],
    },
    {
      id: 'ts',
      group: 'code',
      label: 'TypeScript',
      suffix: ' SDK',
      narrow: 'TS',
      parts: [
        {
          kind: 'code',
          text: `import Anthropic from '@anthropic-ai/sdk';

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
      ],
    },
    {
      id: 'python',
      group: 'code',
      label: 'Python',
      suffix: ' SDK',
      parts: [
        {
          kind: 'code',
          text: `import anthropic

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
      ],
    },
    {
      id: 'openai',
      group: 'code',
      label: 'OpenAI',
      suffix: '-compatible',
      // DECISION: the values and the program are two parts too: the values pasted into a .ts file do not compile.
      parts: [
        {
          kind: 'code',
          // Every other client that speaks OpenAI's API (Cursor, Zed, aider ...) takes these values.
          caption: "Any client that speaks OpenAI's API (Cursor, Zed, aider …)",
          name: 'values',
          text: `Base URL: ${url}/v1
API key:  ${key}
Model:    claude-sonnet-4-6   (or any id from ${url}/v1/models)`,
        },
        {
          kind: 'code',
          caption: "Or in code, with OpenAI's SDK",
          name: 'code',
          text: `import OpenAI from 'openai';

const client = new OpenAI({ baseURL: '${url}/v1', apiKey: '${key}' });
const completion = await client.chat.completions.create({
  model: 'claude-sonnet-4-6',
  messages: [{ role: 'user', content: 'Hello' }],
});
console.log(completion.choices[0].message.content);`,
        },
      ],
    },
    {
      id: 'curl',
      group: 'code',
      label: 'curl',
      parts: [
        {
          kind: 'command',
          text: `curl ${url}/v1/messages \\
  -H 'content-type: application/json' \\
  -H 'anthropic-version: 2023-06-01' \\${apiKeySet ? `\n  -H 'x-api-key: ${KEY}' \\` : ''}
  -d '{"model":"claude-sonnet-4-6","max_tokens":256,"messages":[{"role":"user","content":"Hello"}]}'`,
        },
      ],
    },
  ];
}
