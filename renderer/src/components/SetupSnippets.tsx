import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { CopyButton } from './CopyButton';

const KEY = '<your API key>';

/**
 * `suffix` is left out of the tab when the card is narrow, and `narrow` (if any) stands for the label there: six tabs
 * share one row in a 420 px window only so. The accessible name keeps the whole label.
 */
function snippets(
  url: string,
  apiKeySet: boolean,
): Array<{ id: string; label: string; suffix?: string; narrow?: string; code: string }> {
  const key = apiKeySet ? KEY : 'not-needed';
  return [
    {
      id: 'claude',
      label: 'Claude Code',
      // Claude Code with no key at all (and no Claude login) stops at "Not logged in": it always gets one.
      code: `ANTHROPIC_BASE_URL=${url} ANTHROPIC_API_KEY=${key} claude`,
    },
    {
      id: 'codex',
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
      id: 'ts',
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
      label: 'OpenAI',
      suffix: '-compatible',
      // Every client that speaks OpenAI's API (Cursor, Continue, Zed, aider ...) takes these two values.
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
      label: 'curl',
      code: `curl ${url}/v1/messages \\
  -H 'content-type: application/json' \\
  -H 'anthropic-version: 2023-06-01' \\${apiKeySet ? `\n  -H 'x-api-key: ${KEY}' \\` : ''}
  -d '{"model":"claude-sonnet-4-6","max_tokens":256,"messages":[{"role":"user","content":"Hello"}]}'`,
    },
  ];
}

/** Ready-to-paste setup per client, as tabs (arrow keys move between them, per the ARIA tabs pattern). */
export function SetupSnippets({ url, apiKeySet }: { url: string; apiKeySet: boolean }) {
  const items = snippets(url, apiKeySet);
  const [selected, setSelected] = useState(0);
  const base = useId();
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);
  const current = items[selected] ?? items[0]!;
  const currentLabel = current.label + (current.suffix ?? '');

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const delta = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    const jump = event.key === 'Home' ? 0 : event.key === 'End' ? items.length - 1 : null;
    if (!delta && jump === null) return;
    event.preventDefault();
    const next = jump ?? (selected + delta + items.length) % items.length;
    setSelected(next);
    tabs.current[next]?.focus();
  };

  return (
    <div className="snippets">
      <div role="tablist" aria-label="Setup for" className="tabs" onKeyDown={onKeyDown}>
        {items.map((item, i) => (
          <button
            key={item.id}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${item.id}`}
            aria-selected={i === selected}
            aria-controls={`${base}-panel`}
            tabIndex={i === selected ? 0 : -1}
            className="tab"
            aria-label={item.label + (item.suffix ?? '')}
            onClick={() => setSelected(i)}
          >
            {item.narrow ? (
              <>
                <span className="tab-wide">{item.label}</span>
                <span className="tab-narrow">{item.narrow}</span>
              </>
            ) : (
              item.label
            )}
            {item.suffix ? <span className="tab-suffix">{item.suffix}</span> : null}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${current.id}`} className="snippet">
        <pre className="code" tabIndex={0} aria-label={`${currentLabel} setup`}>
          <code>{current.code}</code>
        </pre>
        <CopyButton text={current.code} what={`${currentLabel} setup`} className="button button-small snippet-copy" />
      </div>
      {apiKeySet ? (
        <p className="hint">
          Replace <code>{KEY}</code> with the key from Settings → API key. It is shown in full only when generated.
        </p>
      ) : (
        <p className="hint">
          No API key is set, so any key works. Set one in Settings to keep other local programs out.
        </p>
      )}
    </div>
  );
}
