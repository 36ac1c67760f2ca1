import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { errorMessage, useApi, type AccountSummary } from '../../lib/api';
import { useLive } from '../../lib/live';
import { Dialog } from '../Dialog';

type Phase =
  | { kind: 'editing' }
  | { kind: 'checking' }
  | { kind: 'failed'; message: string }
  | { kind: 'done'; account: AccountSummary; created: boolean; notice?: string };

/**
 * Paste a cookie, Clerk says whose it is. The core accepts every cookie format (a bare __client value, a Cookie
 * header, a browser export); this form only shows progress and the core's answer, word for word.
 */
export function AddAccountDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title="Add account" onClose={onClose}>
      {/* The dialog mounts its content only while open: each opening starts with an empty form. */}
      <AddAccountForm onClose={onClose} />
    </Dialog>
  );
}

function AddAccountForm({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const { putAccount, refreshStatus } = useLive();
  const [cookie, setCookie] = useState('');
  const [name, setName] = useState('');
  const [weight, setWeight] = useState('1');
  const [phase, setPhase] = useState<Phase>({ kind: 'editing' });
  const doneRef = useRef<HTMLButtonElement>(null);
  const ids = { cookie: useId(), name: useId(), weight: useId(), help: useId(), result: useId() };

  useEffect(() => {
    if (phase.kind === 'done') doneRef.current?.focus();
  }, [phase.kind]);

  const weightNumber = Number(weight);
  const weightValid = Number.isInteger(weightNumber) && weightNumber >= 1 && weightNumber <= 100;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (phase.kind === 'checking') return;
    if (!cookie.trim()) {
      setPhase({ kind: 'failed', message: 'Paste a cookie first.' });
      return;
    }
    if (!weightValid) {
      setPhase({ kind: 'failed', message: 'Weight must be a whole number from 1 to 100.' });
      return;
    }
    setPhase({ kind: 'checking' });
    try {
      const result = await api.accounts.add({ cookie, name: name.trim() || undefined, weight: weightNumber });
      putAccount(result.account);
      refreshStatus();
      setPhase({ kind: 'done', account: result.account, created: result.created, notice: result.notice });
    } catch (error) {
      setPhase({ kind: 'failed', message: errorMessage(error) });
    }
  };

  if (phase.kind === 'done') {
    return (
      <div className="result" role="status">
        <p className="result-title">
          <span className="badge badge-good">{phase.created ? 'Added' : 'Updated'}</span>{' '}
          <strong>{phase.account.email || phase.account.name}</strong>
        </p>
        <p className="muted">
          {phase.created
            ? `Clerk confirmed the cookie. "${phase.account.name}" now takes requests.`
            : 'That account was already here; its cookie was refreshed and its state reset to ready.'}
        </p>
        {phase.notice ? <p className="warning">{phase.notice}</p> : null}
        <div className="dialog-footer">
          <button type="button" className="button" onClick={() => setPhase({ kind: 'editing' })}>
            Add another
          </button>
          <button type="button" className="button button-primary" ref={doneRef} onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    );
  }

  const checking = phase.kind === 'checking';
  return (
    <form onSubmit={(e) => void submit(e)} className="form" aria-busy={checking}>
      <div className="field">
        <label htmlFor={ids.cookie}>Cookie</label>
        <textarea
          id={ids.cookie}
          data-autofocus
          rows={5}
          value={cookie}
          onChange={(e) => setCookie(e.target.value)}
          aria-describedby={ids.help}
          aria-invalid={phase.kind === 'failed' ? true : undefined}
          spellCheck={false}
          autoComplete="off"
          readOnly={checking}
          className="mono"
          placeholder="__client=eyJhbGciOi…"
        />
        <p id={ids.help} className="hint">
          From orchids.app while signed in: the <code>__client</code> cookie's value, a whole Cookie header, or a
          browser extension's cookie export (JSON). It is checked with Clerk, then stored sealed on this computer.
        </p>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={ids.name}>Name (optional)</label>
          <input
            id={ids.name}
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            readOnly={checking}
            placeholder="The e-mail if empty"
          />
        </div>
        <div className="field field-narrow">
          <label htmlFor={ids.weight}>Weight</label>
          <input
            id={ids.weight}
            type="number"
            min={1}
            max={100}
            step={1}
            value={weight}
            onChange={(e) => setWeight(e.target.value)}
            readOnly={checking}
          />
        </div>
      </div>
      <div className="form-status" id={ids.result}>
        {checking ? (
          <p role="status" className="progress">
            <span className="spinner" aria-hidden="true" /> Checking with Clerk…
          </p>
        ) : phase.kind === 'failed' ? (
          <p role="alert" className="error-note">
            {phase.message}
          </p>
        ) : null}
      </div>
      <div className="dialog-footer">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={checking}>
          {checking ? 'Checking…' : 'Add account'}
        </button>
      </div>
    </form>
  );
}
