import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { errorMessage, useApi, type AccountView } from '../../lib/api';
import { useLive } from '../../lib/live';
import { Dialog } from '../Dialog';

type Phase =
  | { kind: 'editing' }
  | { kind: 'checking' }
  | { kind: 'signingIn' }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled'; reason?: string }
  | { kind: 'done'; account: AccountView; created: boolean; notice?: string; via: 'paste' | 'signIn' };

/**
 * Two ways in. The desktop app signs in through a window on Orchids' own sign-in page (the core keeps only the
 * `__client` cookie Clerk sets there); every shell takes a pasted cookie in any format the core reads. Either way
 * Clerk says whose it is, and this form shows progress and the core's answer, word for word.
 */
export function AddAccountDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title="Add account" onClose={onClose}>
      {/* The dialog mounts its content only while open: each opening starts with an empty form, and an answer
          that arrives after the dialog was closed lands in a form that is gone. */}
      <AddAccountForm onClose={onClose} />
    </Dialog>
  );
}

function AddAccountForm({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const { putAccount, refreshStatus, status } = useLive();
  const [cookie, setCookie] = useState('');
  const [name, setName] = useState('');
  const [weight, setWeight] = useState('1');
  const [phase, setPhase] = useState<Phase>({ kind: 'editing' });
  const doneRef = useRef<HTMLButtonElement>(null);
  const ids = { cookie: useId(), name: useId(), weight: useId(), help: useId(), result: useId() };
  const shell = status?.shell;

  useEffect(() => {
    if (phase.kind === 'done') doneRef.current?.focus();
  }, [phase.kind]);

  const weightNumber = Number(weight);
  const weightValid = Number.isInteger(weightNumber) && weightNumber >= 1 && weightNumber <= 100;
  const busy = phase.kind === 'checking' || phase.kind === 'signingIn';
  const options = () => ({ name: name.trim() || undefined, weight: weightNumber });

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (busy) return;
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
      const result = await api.accounts.add({ cookie, ...options() });
      putAccount(result.account);
      refreshStatus();
      setPhase({ kind: 'done', ...result, via: 'paste' });
    } catch (error) {
      setPhase({ kind: 'failed', message: errorMessage(error) });
    }
  };

  const signIn = async (): Promise<void> => {
    if (busy) return;
    if (!weightValid) {
      setPhase({ kind: 'failed', message: 'Weight must be a whole number from 1 to 100.' });
      return;
    }
    setPhase({ kind: 'signingIn' });
    try {
      const result = await api.accounts.signIn(options());
      if (result.outcome === 'signedIn') {
        putAccount(result.account);
        refreshStatus();
        setPhase({ kind: 'done', ...result, via: 'signIn' });
      } else setPhase({ kind: 'cancelled', reason: result.reason });
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
            ? `Clerk confirmed the ${phase.via === 'signIn' ? 'sign-in' : 'cookie'}. ` +
              `"${phase.account.name}" now takes requests.`
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

  return (
    <form onSubmit={(e) => void submit(e)} className="form" aria-busy={busy}>
      {shell === 'desktop' ? (
        <div className="field">
          <button
            type="button"
            className="button button-primary"
            data-autofocus
            disabled={busy}
            onClick={() => void signIn()}
          >
            {phase.kind === 'signingIn' ? 'Signing in…' : 'Sign in with Orchids'}
          </button>
          <p className="hint">
            Opens Orchids' sign-in page in a window of its own. Orchids Tray keeps only the <code>__client</code> cookie
            Clerk sets there, and forgets everything else when the window closes. Or paste a cookie below.
          </p>
        </div>
      ) : shell === 'headless' ? (
        <p className="note">
          Sign in with Orchids needs the desktop app (it opens Orchids' sign-in page in a window of its own); here,
          paste the cookie.
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={ids.cookie}>Cookie</label>
        <textarea
          id={ids.cookie}
          data-autofocus={shell === 'desktop' ? undefined : true}
          rows={5}
          value={cookie}
          onChange={(e) => setCookie(e.target.value)}
          aria-describedby={ids.help}
          aria-invalid={phase.kind === 'failed' ? true : undefined}
          spellCheck={false}
          autoComplete="off"
          readOnly={busy}
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
            readOnly={busy}
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
            readOnly={busy}
          />
        </div>
      </div>
      <div className="form-status" id={ids.result}>
        <PhaseStatus phase={phase} />
      </div>
      <div className="dialog-footer">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={busy}>
          {phase.kind === 'checking' ? 'Checking…' : 'Add account'}
        </button>
      </div>
    </form>
  );
}

/** What is happening now, or what just went wrong, under the form. */
function PhaseStatus({ phase }: { phase: Phase }) {
  switch (phase.kind) {
    case 'checking':
      return (
        <p role="status" className="progress">
          <span className="spinner" aria-hidden="true" /> Checking with Clerk…
        </p>
      );
    case 'signingIn':
      return (
        <p role="status" className="progress">
          <span className="spinner" aria-hidden="true" /> Sign in in the Orchids window; the account is added when you
          are done. Closing that window cancels.
        </p>
      );
    case 'cancelled':
      return (
        <p role="status" className="muted">
          The sign-in window was closed before a sign-in was confirmed; nothing was added.
          {phase.reason ? ` Clerk's last answer: ${phase.reason}` : ''}
        </p>
      );
    case 'failed':
      return (
        <p role="alert" className="error-note">
          {phase.message}
        </p>
      );
    default:
      return null;
  }
}
