import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { GROUPS, KEY, snippets, type Group } from '../lib/setup-snippets';
import { CopyButton } from './CopyButton';

/**
 * Ready-to-paste setup per client, under its heading: the kind of client, then its tabs (arrow keys move between
 * them, per the ARIA tabs pattern). Each kind keeps the tab last chosen in it, so switching back finds it again.
 */
export function SetupSnippets({ url, apiKeySet }: { url: string; apiKeySet: boolean }) {
  const [group, setGroup] = useState<Group>('agents');
  const [chosen, setChosen] = useState<Record<Group, number>>({ agents: 0, code: 0 });
  const base = useId();
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);
  const items = snippets(url, apiKeySet).filter((item) => item.group === group);
  const selected = Math.min(chosen[group], items.length - 1);
  const current = items[selected]!;
  const currentLabel = current.label + (current.suffix ?? '');
  const select = (i: number): void => setChosen((was) => ({ ...was, [group]: i }));

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const delta = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    const jump = event.key === 'Home' ? 0 : event.key === 'End' ? items.length - 1 : null;
    if (!delta && jump === null) return;
    event.preventDefault();
    const next = jump ?? (selected + delta + items.length) % items.length;
    select(next);
    tabs.current[next]?.focus();
  };

  return (
    <div className="snippets">
      <div className="snippets-head">
        <h3 className="subheading">Set up a client</h3>
        <div className="segmented snippet-groups" role="group" aria-label="Kind of client">
          {GROUPS.map(({ id, label }) => (
            <button
              key={id}
              type="button"
              className="segment"
              aria-pressed={group === id}
              aria-controls={`${base}-tabs`}
              onClick={() => setGroup(id)}
            >
              {label}
            </button>
          ))}
        </div>
      </div>
      <div role="tablist" id={`${base}-tabs`} aria-label="Setup for" className="tabs" onKeyDown={onKeyDown}>
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
            onClick={() => select(i)}
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
