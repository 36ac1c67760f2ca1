import { useId, useRef, useState, type FocusEvent, type FormEvent } from 'react';
import type { SettingView } from '../../lib/api';
import { commaList } from '../../../../contract/lists';
import { BusyButton } from '../BusyButton';
import { EnvLock, RestartNote, SaveStatus, useSaver, valueText, type SaveState } from './SettingParts';

interface ValueSettingProps {
  view: SettingView;
  label: string;
  /** `list`: a comma-separated field stored as an array of strings; empty is allowed and means none. */
  kind: 'integer' | 'text' | 'list';
  unit?: string;
  min?: number;
  max?: number;
  hint?: string;
  placeholder?: string;
  /** A readable gloss of the stored value, e.g. "= 60 s". */
  gloss?: (value: number) => string;
  save: (key: string, value: unknown) => Promise<void>;
  reset: (key: string) => Promise<void>;
}

/** One number, text or list setting: edit, Enter or Save to store, "Use default" to forget the stored value. */
export function ValueSetting(props: ValueSettingProps) {
  const { view, label, kind, unit, hint, placeholder, gloss, save, reset } = props;
  const stored = valueText(view.value);
  const [draft, setDraft] = useState(stored);
  // A new stored value (saved here, reset, or changed elsewhere) replaces the draft in the same render.
  const [draftOf, setDraftOf] = useState(stored);
  // Whether the draft's own problem is shown: from when the field is left (or Save pressed) with one.
  const [checked, setChecked] = useState(false);
  if (draftOf !== stored) {
    setDraftOf(stored);
    setDraft(stored);
    setChecked(false);
  }
  const { state: saveState, run: runSave, show } = useSaver();
  const ids = { input: useId(), hint: useId(), status: useId() };
  const input = useRef<HTMLInputElement>(null);
  const locked = view.source === 'environment';
  const dirty = draft.trim() !== stored;
  const problem = dirty ? draftProblem(draft.trim(), props) : null;
  // DECISION: the problem shows when the field is left, not at each keystroke ("1" on the way to "10" is not
  // wrong yet, and no other field here speaks while typed into); once shown it follows each keystroke, so it goes as
  // soon as the value is right. A save in flight wins over it.
  const state: SaveState =
    checked && problem && saveState.kind !== 'saving' ? { kind: 'error', message: problem } : saveState;

  // Save is busy while it saves and hidden once saved, and Use default goes with the stored value: once either is
  // gone, keyboard focus would be left on the page, so it comes back to the field. A refused save keeps both, and
  // the focus stays on the button that was pressed, to press again.
  const run = (action: () => Promise<void>, fromButton: boolean): Promise<void> =>
    runSave(action, view.needsRestart ? 'Saved — restart Orchids Tray to use it' : 'Saved').then((saved) => {
      if (fromButton && saved) input.current?.focus();
    });

  const store = (fromButton: boolean): void => {
    const text = draft.trim();
    if (kind === 'integer') void run(() => save(view.key, Number(text)), fromButton);
    else if (kind === 'list') void run(() => save(view.key, commaList(text)), fromButton);
    else void run(() => save(view.key, text), fromButton);
  };

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    if (locked || !dirty || state.kind === 'saving') return;
    // Save stays pressable with a wrong value: pressing it says why it did not save, next to the field.
    if (problem) {
      setChecked(true);
      show({ kind: 'idle' });
      return;
    }
    store(document.activeElement !== input.current);
  };

  // DECISION: a right value is saved when focus leaves this setting (to another field, another view, anywhere
  // outside its form), rather than kept as a draft until Save or Enter: the draft went with the view when a person
  // clicked away, without a word, under a heading that said changes apply at once. Focus moving to the setting's own
  // Save or Use default is not leaving it: those buttons act themselves. A wrong value is not saved; it says why.
  const onLeave = (event: FocusEvent<HTMLFormElement>): void => {
    if (event.currentTarget.contains(event.relatedTarget)) return;
    // The window itself losing focus (to a terminal, to copy a value) is not leaving the field: "1" on the way to "10"
    // stays a draft, and is saved when the person comes back and leaves it.
    if (!document.hasFocus()) return;
    if (locked || !dirty || problem || state.kind === 'saving') return;
    store(false);
  };

  return (
    <form className="setting" onSubmit={onSubmit} onBlur={onLeave}>
      <label htmlFor={ids.input} className="setting-label">
        {label}
      </label>
      <div className="setting-control">
        <input
          ref={input}
          id={ids.input}
          className={kind === 'integer' ? 'input-number' : 'input-text'}
          inputMode={kind === 'integer' ? 'numeric' : undefined}
          placeholder={placeholder}
          value={draft}
          readOnly={locked}
          aria-readonly={locked || undefined}
          aria-invalid={state.kind === 'error' || undefined}
          aria-describedby={`${ids.hint} ${ids.status}`}
          onChange={(e) => {
            setDraft(e.target.value);
            if (saveState.kind !== 'saving') show({ kind: 'idle' });
          }}
          onBlur={() => setChecked(problem !== null)}
        />
        {unit ? <span className="unit">{unit}</span> : null}
        {!locked ? (
          <>
            <BusyButton
              type="submit"
              className="button button-small"
              disabled={!dirty}
              busy={state.kind === 'saving'}
              aria-label={`Save ${label}`}
            >
              Save
            </BusyButton>
            {view.source === 'database' ? (
              <BusyButton
                className="button button-small"
                aria-label={`Use default for ${label}`}
                busy={state.kind === 'saving'}
                onClick={() => void run(() => reset(view.key), true)}
              >
                Use default
              </BusyButton>
            ) : null}
          </>
        ) : null}
      </div>
      <div id={ids.hint} className="setting-hints">
        {hint ? (
          <p className="hint">
            {hint}
            {gloss && typeof view.value === 'number' ? ` Now ${gloss(view.value)}.` : ''}
          </p>
        ) : null}
        <RestartNote view={view} />
        <EnvLock view={view} />
      </div>
      <SaveStatus state={state} id={ids.status} />
    </form>
  );
}

/** What is wrong with a draft before any round trip to the core, in the words the field shows; null if nothing. */
function draftProblem(text: string, { kind, label, min, max }: ValueSettingProps): string | null {
  if (kind === 'integer') {
    const n = Number(text);
    if (!/^-?\d+$/.test(text) || (min !== undefined && n < min) || (max !== undefined && n > max))
      return `Enter a whole number${min !== undefined && max !== undefined ? ` from ${min} to ${max}` : ''}.`;
    return null;
  }
  if (kind === 'text' && !text) return `${label} cannot be empty.`;
  return null;
}
