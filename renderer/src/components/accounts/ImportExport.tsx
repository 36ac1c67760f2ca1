import { useRef, useState, type ChangeEvent } from 'react';
import { errorMessage, useApi, type ImportResult } from '../../lib/api';
import { useAction } from '../../lib/hooks';
import { useLive } from '../../lib/live';
import { fileDate, saveFile } from '../../lib/save-file';
import { BusyButton } from '../BusyButton';
import { Dialog } from '../Dialog';
import { ErrorNote } from '../ViewHeader';

/** Import takes a file made by Export; each entry is checked with Clerk, one at a time, by the core. */
export function ImportButton() {
  const api = useApi();
  const { refreshAccounts, refreshStatus } = useLive();
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<
    | { kind: 'idle' }
    | { kind: 'running'; file: string }
    | { kind: 'done'; file: string; result: ImportResult }
    | { kind: 'failed'; file: string; message: string }
  >({ kind: 'idle' });

  const onFile = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = event.target.files?.[0];
    event.target.value = ''; // the same file can be picked again
    if (!file) return;
    setState({ kind: 'running', file: file.name });
    try {
      const result = await api.accounts.import({ json: await file.text() });
      setState({ kind: 'done', file: file.name, result });
      await refreshAccounts();
      refreshStatus();
    } catch (error) {
      setState({ kind: 'failed', file: file.name, message: errorMessage(error) });
    }
  };

  // The file input stays out of the tab order and the accessibility tree: the "Import" button is the control.
  return (
    <>
      <BusyButton className="button" onClick={() => input.current?.click()} busy={state.kind === 'running'}>
        {state.kind === 'running' ? 'Importing…' : 'Import'}
      </BusyButton>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        onChange={(e) => void onFile(e)}
      />
      <Dialog
        open={state.kind !== 'idle'}
        title="Import accounts"
        onClose={() => state.kind !== 'running' && setState({ kind: 'idle' })}
      >
        {state.kind === 'running' ? (
          <p role="status" className="progress">
            <span className="spinner" aria-hidden="true" /> Checking each account in {state.file} with Clerk…
          </p>
        ) : state.kind === 'failed' ? (
          <ErrorNote>{state.message}</ErrorNote>
        ) : state.kind === 'done' ? (
          <div role="status">
            <p>
              From <strong>{state.file}</strong>: {state.result.added} added, {state.result.updated} updated,{' '}
              {state.result.failed.length} failed.
            </p>
            {state.result.failed.length > 0 ? (
              <ul className="failed-list">
                {state.result.failed.map((f) => (
                  <li key={f.index}>
                    <strong>{f.email ?? `Entry ${f.index + 1}`}</strong>: {f.error}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        {state.kind !== 'running' ? (
          <div className="dialog-footer">
            <button
              type="button"
              className="button button-primary"
              data-autofocus
              onClick={() => setState({ kind: 'idle' })}
            >
              Close
            </button>
          </div>
        ) : null}
      </Dialog>
    </>
  );
}

/** Export warns first: the file is the accounts themselves, cookies in the clear. */
export function ExportButton({ count }: { count: number }) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const exporter = useAction(async () => {
    const { json } = await api.accounts.export();
    saveFile(json, 'application/json', `orchids-tray-accounts-${fileDate()}.json`);
    setOpen(false);
  });
  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)} disabled={count === 0}>
        Export
      </button>
      <Dialog
        open={open}
        title="Export accounts"
        onClose={() => setOpen(false)}
        description={
          <div className="warning" role="note">
            <strong>This file holds every account's cookie in the clear.</strong> Anyone who gets it can use{' '}
            {count === 1 ? 'your Orchids account' : `all ${count} of your Orchids accounts`}. Keep it somewhere private
            and delete it once it is imported elsewhere.
          </div>
        }
        footer={
          <>
            <button type="button" className="button" data-autofocus onClick={() => setOpen(false)}>
              Cancel
            </button>
            <BusyButton className="button button-danger" busy={exporter.pending} onClick={() => void exporter.run()}>
              {exporter.pending ? 'Exporting…' : `Export ${count} account${count === 1 ? '' : 's'} with cookies`}
            </BusyButton>
          </>
        }
      >
        <ErrorNote>{exporter.error}</ErrorNote>
      </Dialog>
    </>
  );
}
