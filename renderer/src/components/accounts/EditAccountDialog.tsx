import { useEffect, useId, useState, type FormEvent } from 'react';
import { useApi, type AccountView } from '../../lib/api';
import { useAction } from '../../lib/hooks';
import { useLive } from '../../lib/live';
import { Dialog } from '../Dialog';
import { ErrorNote } from '../ViewHeader';

/** Rename and reweight. Weight is the account's share of requests relative to the others (1–100). */
export function EditAccountDialog({ account, onClose }: { account: AccountView | null; onClose: () => void }) {
  const api = useApi();
  const { putAccount } = useLive();
  const [name, setName] = useState('');
  const [weight, setWeight] = useState('1');
  const ids = { name: useId(), weight: useId(), weightHelp: useId() };
  const save = useAction(async (id: number, update: { name: string; weight: number }) => {
    putAccount(await api.accounts.update({ id, ...update }));
    onClose();
  });

  useEffect(() => {
    if (!account) return;
    setName(account.name);
    setWeight(String(account.weight));
    save.clearError();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [account?.id]);

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    if (account) void save.run(account.id, { name: name.trim(), weight: Number(weight) });
  };

  return (
    <Dialog open={account !== null} title={`Edit ${account?.name ?? 'account'}`} onClose={onClose}>
      <form className="form" onSubmit={onSubmit}>
        <div className="field">
          <label htmlFor={ids.name}>Name</label>
          <input
            id={ids.name}
            data-autofocus
            value={name}
            maxLength={100}
            required
            onChange={(e) => setName(e.target.value)}
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
            required
            value={weight}
            aria-describedby={ids.weightHelp}
            onChange={(e) => setWeight(e.target.value)}
          />
          <p id={ids.weightHelp} className="hint">
            1–100. An account with weight 2 gets about twice the requests of one with weight 1.
          </p>
        </div>
        <ErrorNote>{save.error}</ErrorNote>
        <div className="dialog-footer">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={save.pending}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
