import { useEffect, useMemo, useRef, useState } from 'react';
import type { SettingView } from '../../lib/api';
import { ConfirmDialog } from '../ConfirmDialog';
import { SaveStatus, type SaveState } from './SettingParts';

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
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const [confirmReset, setConfirmReset] = useState(false);
  const lastInput = useRef<HTMLInputElement | null>(null);
  const focusNew = useRef(false);
  useEffect(() => {
    if (focusNew.current) lastInput.current?.focus();
    focusNew.current = false;
  }, [rows.length]);

  const dirty = JSON.stringify(rows.map((r) => [r.from, r.to])) !== JSON.stringify(stored.map((r) => [r.from, r.to]));
  const update = (key: number, patch: Partial<Row>): void => {
    setRows((list) => list.map((r) => (r.key === key ? { ...r, ...patch } : r)));
    setState({ kind: 'idle' });
  };

  const onSave = async (): Promise<void> => {
    const problem = validate(rows);
    if (problem) {
      setState({ kind: 'error', message: problem });
      return;
    }
    setState({ kind: 'saving' });
    try {
      await save('modelMap', Object.fromEntries(rows.map((r) => [r.from.trim(), r.to.trim()])));
      setState({ kind: 'saved', note: 'Mapping saved; new requests use it.' });
    } catch (error) {
      setState({ kind: 'error', message: (error as Error).message });
    }
  };
  const onReset = async (): Promise<void> => {
    setConfirmReset(false);
    setState({ kind: 'saving' });
    try {
      await reset('modelMap');
      setState({ kind: 'saved', note: 'Mapping reset to the default.' });
    } catch (error) {
      setState({ kind: 'error', message: (error as Error).message });
    }
  };

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
              <tr key={row.key}>
                <td className="cell-from">
                  <input
                    ref={i === rows.length - 1 ? lastInput : undefined}
                    className="input-text mono"
                    aria-label={`Requested model, row ${i + 1}`}
                    value={row.from}
                    placeholder="claude-opus-*"
                    onChange={(e) => update(row.key, { from: e.target.value })}
                  />
                </td>
                <td className="arrow" aria-hidden="true">
                  →
                </td>
                <td className="cell-to">
                  <input
                    className="input-text mono"
                    aria-label={`Upstream model, row ${i + 1}`}
                    value={row.to}
                    placeholder="claude-opus-4-6"
                    onChange={(e) => update(row.key, { to: e.target.value })}
                  />
                </td>
                <td className="cell-remove">
                  <button
                    type="button"
                    className="button button-small button-danger-quiet"
                    aria-label={`Remove mapping ${row.from || `row ${i + 1}`}`}
                    onClick={() => {
                      setRows((list) => list.filter((r) => r.key !== row.key));
                      setState({ kind: 'idle' });
                    }}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="button-row">
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            focusNew.current = true;
            setRows((list) => [...list, { key: nextKey++, from: '', to: '' }]);
          }}
        >
          Add mapping
        </button>
        <button
          type="button"
          className="button button-small button-primary"
          disabled={!dirty || state.kind === 'saving'}
          onClick={() => void onSave()}
        >
          Save mapping
        </button>
        {dirty ? (
          <button type="button" className="button button-small button-quiet" onClick={() => setRows(stored)}>
            Discard changes
          </button>
        ) : null}
        <button
          type="button"
          className="button button-small button-quiet"
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
        onConfirm={() => void onReset()}
        onClose={() => setConfirmReset(false)}
      >
        <p>Your own rows are replaced by the built-in table.</p>
      </ConfirmDialog>
    </div>
  );
}
