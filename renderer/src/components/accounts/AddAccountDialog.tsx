import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { errorMessage, useApi, type AccountView } from '../../lib/api';
import { useLive } from '../../lib/live';
import { BusyButton } from '../BusyButton';
import { Dialog } from '../Dialog';
import { WeightInput } from './WeightInput';

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
interface AddAccountDialogProps {
  open: boolean;
  onClose: () => void;
  /** Closes this dialog and tests the account just added (the first thing a person wants to know of it). */
  onTest: (account: AccountView) => void;
}

export function AddAccountDialog({ open, onClose, onTest }: AddAccountDialogProps) {
  return (
    <Dialog open={open} title="Add account" onClose={onClose}>
      {/* The dialog mounts its content only while open: each opening starts with an empty form, and an answer
          that arrives after the dialog was closed lands in a form that is gone. */}
      <AddAccountForm onClose={onClose} onTest={onTest} />
    </Dialog>
  );
}

type Added = Extract<Phase, { kind: 'done' }>;

/**
 * The two ways of adding an account, as one state machine: editing, checking a pasted cookie or waiting for the
 * sign-in window, then done, failed or cancelled. The core's own message is the failure's text.
 */
function useAddAccount(options: () => { name: string | undefined; weight: number }, weightValid: boolean) {
  const api = useApi();
  const { putAccount, refreshStatus } = useLive();
  const [phase, setPhase] = useState<Phase>({ kind: 'editing' });
  const busy = phase.kind === 'checking' || phase.kind === 'signingIn';

  const attempt = async (kind: 'checking' | 'signingIn', work: () => Promise<Phase>): Promise<void> => {
    if (busy) return;
    if (!weightValid) return setPhase({ kind: 'failed', message: 'Weight must be a whole number from 1 to 100.' });
    setPhase({ kind });
    try {
      setPhase(await work());
    } catch (error) {
      setPhase({ kind: 'failed', message: errorMessage(error) });
    }
  };
  const added = (account: AccountView): void => {
    putAccount(account);
    refreshStatus();
  };

  const paste = (cookie: string): Promise<void> => {
    if (!busy && !cookie.trim()) {
      setPhase({ kind: 'failed', message: 'Paste a cookie first.' });
      return Promise.resolve();
    }
    return attempt('checking', async () => {
      const result = await api.accounts.add({ cookie, ...options() });
      added(result.account);
      return { kind: 'done', ...result, via: 'paste' };
    });
  };
  const signIn = (): Promise<void> =>
    attempt('signingIn', async () => {
      const result = await api.accounts.signIn(options());
      if (result.outcome !== 'signedIn') return { kind: 'cancelled', reason: result.reason };
      added(result.account);
      return { kind: 'done', ...result, via: 'signIn' };
    });

  return { phase, busy, paste, signIn, restart: () => setPhase({ kind: 'editing' }) };
}

function AddAccountForm({ onClose, onTest }: Omit<AddAccountDialogProps, 'open'>) {
  const { status } = useLive();
  const [cookie, setCookie] = useState('');
  const [name, setName] = useState('');
  const [weight, setWeight] = useState('1');
  const ids = { cookie: useId(), name: useId(), weight: useId(), help: useId(), result: useId() };
  const shell = status?.shell;

  const weightNumber = Number(weight);
  const weightValid = Number.isInteger(weightNumber) && weightNumber >= 1 && weightNumber <= 100;
  const { phase, busy, paste, signIn, restart } = useAddAccount(
    () => ({ name: name.trim() || undefined, weight: weightNumber }),
    weightValid,
  );

  if (phase.kind === 'done')
    return <AddedResult added={phase} onAnother={restart} onClose={onClose} onTest={() => onTest(phase.account)} />;

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    void paste(cookie);
  };

  return (
    <form onSubmit={submit} className="form" aria-busy={busy}>
      <SignInChoice shell={shell} signingIn={phase.kind === 'signingIn'} busy={busy} onSignIn={() => void signIn()} />
      <div className="field">
        <label htmlFor={ids.cookie}>Cookie</label>
        <textarea
          id={ids.cookie}
          data-autofocus={shell === 'desktop' ? undefined : true}
          rows={5}
          value={cookie}
          onChange={(e) => setCookie(e.target.value)}
          // A cookie has no line to break (a pasted export keeps its own), so Enter adds, as in the other fields.
          onKeyDown={(e) => {
            if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing) return;
            e.preventDefault();
            e.currentTarget.form?.requestSubmit();
          }}
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
          <WeightInput id={ids.weight} value={weight} onChange={(e) => setWeight(e.target.value)} readOnly={busy} />
        </div>
      </div>
      <div className="form-status" id={ids.result}>
        <PhaseStatus phase={phase} />
      </div>
      <div className="dialog-footer">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <BusyButton type="submit" className="button button-primary" busy={busy}>
          {phase.kind === 'checking' ? 'Checking…' : 'Add account'}
        </BusyButton>
      </div>
    </form>
  );
}

/** The desktop app's sign-in button, or in headless mode one sentence on why there is none. */
function SignInChoice(props: { shell: string | undefined; signingIn: boolean; busy: boolean; onSignIn: () => void }) {
  if (props.shell === 'headless') {
    return (
      <p className="note">
        Sign in with Orchids needs the desktop app (it opens Orchids' sign-in page in a window of its own); here, paste
        the cookie.
      </p>
    );
  }
  if (props.shell !== 'desktop') return null;
  return <SignInButton {...props} />;
}

function SignInButton(props: { signingIn: boolean; busy: boolean; onSignIn: () => void }) {
  const ref = useRef<HTMLButtonElement>(null);
  // The shell is known from the proxy status, which can arrive after the dialog opened and focused the cookie field
  // in the button's absence. The first choice then takes the focus, unless the person has already typed there.
  useEffect(() => {
    const focused = document.activeElement;
    const dialog = ref.current?.closest('dialog');
    if (focused instanceof HTMLTextAreaElement && focused.value === '' && dialog?.contains(focused)) {
      ref.current?.focus();
    }
  }, []);
  return (
    <div className="field">
      <BusyButton ref={ref} className="button button-primary" data-autofocus busy={props.busy} onClick={props.onSignIn}>
        {props.signingIn ? 'Signing in…' : 'Sign in with Orchids'}
      </BusyButton>
      <p className="hint">
        Opens Orchids' sign-in page in a window of its own. Orchids Tray keeps only the <code>__client</code> cookie
        Clerk sets there, and forgets everything else when the window closes. Or paste a cookie below.
      </p>
    </div>
  );
}

/** Whose account it was, what changed, and the way to the next one. */
function AddedResult(props: { added: Added; onAnother: () => void; onClose: () => void; onTest: () => void }) {
  const { added, onAnother, onClose, onTest } = props;
  const doneRef = useRef<HTMLButtonElement>(null);
  useEffect(() => doneRef.current?.focus(), []);
  return (
    <div className="result" role="status">
      <p className="result-title">
        <span className="badge badge-good">{added.created ? 'Added' : 'Updated'}</span>{' '}
        <strong>{added.account.email || added.account.name}</strong>
      </p>
      <p className="muted">
        {added.created
          ? `Clerk confirmed the ${added.via === 'signIn' ? 'sign-in' : 'cookie'}. ` +
            `"${added.account.name}" now takes requests.`
          : 'That account was already here; its cookie was refreshed and its state reset to ready.'}
      </p>
      {added.notice ? <p className="warning">{added.notice}</p> : null}
      <div className="dialog-footer">
        <button type="button" className="button" onClick={onAnother}>
          Add another
        </button>
        <button
          type="button"
          className="button"
          title="Send one short request through this account and see whether and how it works"
          onClick={onTest}
        >
          Test it
        </button>
        <button type="button" className="button button-primary" ref={doneRef} onClick={onClose}>
          Done
        </button>
      </div>
    </div>
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
