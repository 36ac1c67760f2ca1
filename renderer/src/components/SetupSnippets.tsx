import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { captionOf, GROUPS, KEY, labelOf, partName, snippets, type Group, type Snippet } from '../lib/setup-snippets';
import { readStored, writeStored } from '../lib/local-store';
import { CopyButton } from './CopyButton';

const STORED_CHOICE = 'orchids-tray-setup-tab';

/** The most tabs a kind shows on one row in a 360 px window (its short names, overview.css). */
const ROW_OF_TABS = 5;

/** The kind of client shown and each kind's tab, by snippet id. */
interface Choice {
  group: Group;
  tabs: Partial<Record<Group, string>>;
}

/**
 * The card's choice is kept in localStorage: a person comes back to the card for the same client (a new project, a
 * new machine's config), and should find it where they left it, not on Claude Code again.
 */
function storedChoice(): Choice | undefined {
  try {
    const value: unknown = JSON.parse(readStored(STORED_CHOICE) ?? 'null');
    if (typeof value !== 'object' || value === null) return undefined;
    const { group, tabs } = value as Partial<Choice>;
    if (!GROUPS.some((g) => g.id === group) || typeof tabs !== 'object' || tabs === null) return undefined;
    return { group: group!, tabs };
  } catch {
    // A value this version did not write: the card opens as new.
    return undefined;
  }
}

function storeChoice(choice: Choice): void {
  writeStored(STORED_CHOICE, JSON.stringify(choice));
}

/** Where the card opens: as it was left (stored), else on the first agent. */
function openingChoice(all: readonly Snippet[]): { group: Group; chosen: Record<Group, number> } {
  const chosen: Record<Group, number> = { agents: 0, code: 0 };
  const stored = storedChoice();
  if (!stored) return { group: 'agents', chosen };
  for (const { id: kind } of GROUPS) {
    const index = all.filter((item) => item.group === kind).findIndex((item) => item.id === stored.tabs[kind]);
    if (index >= 0) chosen[kind] = index;
  }
  return { group: stored.group, chosen };
}

/**
 * Ready-to-paste setup per client, under its heading: the kind of client, then its tabs (arrow keys move between
 * them, per the ARIA tabs pattern). Each kind keeps the tab last chosen in it, so switching back finds it again, and
 * the card opens where it was left, across visits and restarts.
 */
export function SetupSnippets({ url, apiKeySet }: { url: string; apiKeySet: boolean }) {
  const all = snippets(url, apiKeySet);
  const [opening] = useState(() => openingChoice(all));
  const [group, setGroupState] = useState<Group>(opening.group);
  const [chosen, setChosen] = useState<Record<Group, number>>(opening.chosen);
  const base = useId();
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);
  const inGroup = (kind: Group) => all.filter((item) => item.group === kind);
  const items = inGroup(group);
  const selected = Math.min(chosen[group], items.length - 1);
  const current = items[selected]!;
  const currentLabel = labelOf(current);
  const remember = (kind: Group, picked: Record<Group, number>): void =>
    storeChoice({
      group: kind,
      tabs: { agents: inGroup('agents')[picked.agents]?.id, code: inGroup('code')[picked.code]?.id },
    });
  const select = (i: number): void => {
    const next = { ...chosen, [group]: i };
    setChosen(next);
    remember(group, next);
  };
  const setGroup = (kind: Group): void => {
    setGroupState(kind);
    remember(kind, chosen);
  };

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
      <div
        role="tablist"
        id={`${base}-tabs`}
        aria-label="Setup for"
        // More tabs than a narrow card's one row holds go in rows of four (overview.css, .tabs-rows).
        className={items.length > ROW_OF_TABS ? 'tabs tabs-rows' : 'tabs'}
        onKeyDown={onKeyDown}
      >
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
            aria-label={labelOf(item)}
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
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${current.id}`} className="snippet-parts">
        {/* Each part in its own frame with its own Copy: a file and the command to run it never go on the clipboard
            together (lib/setup-snippets.ts, Part). */}
        {current.parts.map((part, i) => {
          const what = `${currentLabel} ${partName(current, part)}`;
          const caption = captionOf(current, part);
          return (
            <div key={`${current.id}-${i}`} className="snippet-part">
              {caption ? (
                <p className="snippet-caption" id={`${base}-caption-${i}`}>
                  {caption}
                </p>
              ) : null}
              <div className="snippet">
                {/* A focus stop, so the keyboard can scroll it, named as a group: a <pre> is generic, whose name
                    ARIA forbids and readers drop. DECISION: group, not region: a landmark per snippet would crowd
                    the landmark list. */}
                <pre
                  className="code"
                  tabIndex={0}
                  role="group"
                  aria-label={what}
                  aria-describedby={caption ? `${base}-caption-${i}` : undefined}
                >
                  <code>{part.text}</code>
                </pre>
                <CopyButton text={part.text} what={what} className="button button-small snippet-copy" />
              </div>
            </div>
          );
        })}
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
