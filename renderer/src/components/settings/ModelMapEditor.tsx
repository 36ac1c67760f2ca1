import { useEffect, useMemo, useRef, useState, type Ref } from 'react';
import type { SettingView } from '../../lib/api';
import { BusyButton } from '../BusyButton';
import { ConfirmDialog } from '../ConfirmDialog';
import { SaveStatus, useSaver } from './SettingParts';

interface Row {
  key: number;
  from: string;
  to: string;
}

let nextKey = 1;
const toRows = (map: unknown): Row[] =>
  Object.entries((map ?? {}) as Record<string, string>).map(([from, to]) => ({ key: nextKey++, from, to }));

/** Problems the core would refuse anyway, caught before the round trip with the row they are in. */
function validate(rows: Row[]): string | null {
  const seen = new Map<string, number>();
  for (const [i, row] of rows.entries()) {
    const from = row.from.trim().toLowerCase();
    if (!from || !row.to.trim())
      return `Row ${i + 1}: fill in both the requested model and the upstream model, or remove the row.`;
    const before = seen.get(from);
    if (before !== undefined) return `Row ${i + 1}: "${row.from.trim()}" is already mapped in row ${before + 1}.`;
    seen.set(from, i);
  }
  return null;
}

/** The rows being edited, kept apart from the stored map until they are saved. */
function useMapRows(view: SettingView) {
  // Keyed on the JSON, not the object: a settings refresh that brings the same map keeps the rows being edited.
  const storedJson = JSON.stringify(view.value);
  const stored = useMemo(() => toRows(JSON.parse(storedJson)), [storedJson]);
  const [rows, setRows] = useState<Row[]>(stored);
  // A new stored map (saved, reset, or changed elsewhere) replaces the rows in the same render.
  const [rowsOf, setRowsOf] = useState(stored);
  if (rowsOf !== stored) {
    setRowsOf(stored);
    setRows(stored);
  }
  const pairs = (list: Row[]): string => JSON.stringify(list.map((r) => [r.from, r.to]));
  return {
    rows,
    dirty: pairs(rows) !== pairs(stored),
    update: (key: number, patch: Partial<Row>) =>
      setRows((list) => list.map((r) => (r.key === key ? { ...r, ...patch } : r))),
    remove: (key: number) => setRows((list) => list.filter((r) => r.key !== key)),
    add: () => setRows((list) => [...list, { key: nextKey++, from: '', to: '' }]),
    discard: () => setRows(stored),
  };
}

interface MappingRowProps {
  row: Row;
  index: number;
  inputRef?: Ref<HTMLInputElement>;
  onChange: (patch: Partial<Row>) => void;
  onRemove: () => void;
}

function MappingRow({ row, index, inputRef, onChange, onRemove }: MappingRowProps) {
  return (
    <tr>
      <td className="cell-from">
        <input
          ref={inputRef}
          className="input-text mono"
          aria-label={`Requested model, row ${index + 1}`}
          value={row.from}
          placeholder="claude-opus-*"
          onChange={(e) => onChange({ from: e.target.value })}
        />
      </td>
      <td className="arrow" aria-hidden="true">
        →
      </td>
      <td className="cell-to">
        <input
          className="input-text mono"
          aria-label={`Upstream model, row ${index + 1}`}
          value={row.to}
          placeholder="claude-opus-4-6"
          onChange={(e) => onChange({ to: e.target.value })}
        />
      </td>
      <td className="cell-remove">
        <button
          type="button"
          className="button button-small button-danger-quiet"
          aria-label={`Remove mapping ${row.from || `row ${index + 1}`}`}
          title="Remove mapping"
          onClick={onRemove}
        >
          <span className="remove-word">Remove</span>
          <span className="remove-mark" aria-hidden="true">
            ×
          </span>
        </button>
      </td>
    </tr>
  );
}

/**
 * Requested model id → Orchids model id. `*` matches any run of characters ("claude-opus-*"); the most specific
 * pattern wins. Edits stay local until "Save mapping"; the core validates again and its message is shown as is.
 */
export function ModelMapEditor({
  view,
  save,
  reset,
}: {
  view: SettingView;
  save: (key: string, value: unknown) => Promise<void>;
  reset: (key: string) => Promise<void>;
}) {
  const { rows, dirty, update, remove, add, discard } = useMapRows(view);
  const { state, run, show } = useSaver();
  const [confirmReset, setConfirmReset] = useState(false);
  const lastInput = useRef<HTMLInputElement | null>(null);
  const focusNew = useRef(false);
  useEffect(() => {
    if (focusNew.current) lastInput.current?.focus();
    focusNew.current = false;
  }, [rows.length]);

  // Save mapping turns off once saved (while it saves it is only busy, and a refused save leaves focus on it),
  // Discard changes goes once there is nothing to discard, and Reset to default turns off once the default is back:
  // the keyboard carries on from Add mapping, not from the top of the page.
  const addButton = useRef<HTMLButtonElement>(null);
  const saveButton = useRef<HTMLButtonElement>(null);
  // Saved: Save mapping is about to turn off (or already has, dropping the focus to the page).
  const keepFocus = (stored: boolean): void => {
    const focused = document.activeElement;
    if (stored && (focused === document.body || focused === saveButton.current)) addButton.current?.focus();
  };
  const onSave = (): void => {
    const problem = validate(rows);
    if (problem) return show({ kind: 'error', message: problem });
    const map = Object.fromEntries(rows.map((r) => [r.from.trim(), r.to.trim()]));
    void run(() => save('modelMap', map), 'Mapping saved; new requests use it.').then(keepFocus);
  };
  const onDiscard = (): void => {
    discard();
    addButton.current?.focus();
  };
  const onReset = (): void => {
    setConfirmReset(false);
    void run(async () => {
      await reset('modelMap');
      addButton.current?.focus();
    }, 'Mapping reset to the default.');
  };
  const edited = (): void => show({ kind: 'idle' });

  return (
    <div className="model-map">
      <div className="table-wrap table-wrap-tall">
        <table className="table table-compact table-model-map">
          <caption className="visually-hidden">Model mapping</caption>
          <thead>
            <tr>
              <th scope="col">Requested model</th>
              <th scope="col" className="col-arrow" aria-hidden="true" />
              <th scope="col">Upstream model</th>
              <th scope="col" className="col-remove">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <MappingRow
                key={row.key}
                row={row}
                index={i}
                inputRef={i === rows.length - 1 ? lastInput : undefined}
                onChange={(patch) => {
                  update(row.key, patch);
                  edited();
                }}
                onRemove={() => {
                  remove(row.key);
                  edited();
                }}
              />
            ))}
          </tbody>
        </table>
      </div>
      <div className="button-row">
        <button
          ref={addButton}
          type="button"
          className="button button-small"
          onClick={() => {
            focusNew.current = true;
            add();
          }}
        >
          Add mapping
        </button>
        <BusyButton
          ref={saveButton}
          className="button button-small button-primary"
          disabled={!dirty}
          busy={state.kind === 'saving'}
          onClick={onSave}
        >
          Save mapping
        </BusyButton>
        {dirty ? (
          <button type="button" className="button button-small" onClick={onDiscard}>
            Discard changes
          </button>
        ) : null}
        <button
          type="button"
          className="button button-small"
          disabled={view.source === 'default' && !dirty}
          onClick={() => setConfirmReset(true)}
        >
          Reset to default
        </button>
      </div>
      <SaveStatus state={state} />
      <ConfirmDialog
        open={confirmReset}
        title="Reset the model mapping?"
        confirmLabel="Reset to default"
        onConfirm={onReset}
        onClose={() => setConfirmReset(false)}
      >
        <p>Your own rows are replaced by the built-in table.</p>
      </ConfirmDialog>
    </div>
  );
}
