import { useId, useState, type FormEvent } from 'react';
import { useApi, type AccountView } from '../../lib/api';
import { useAction } from '../../lib/hooks';
import { useLive } from '../../lib/live';
import { BusyButton } from '../BusyButton';
import { Dialog } from '../Dialog';
import { ErrorNote } from '../ViewHeader';
import { WeightInput } from './WeightInput';

/** Rename and reweight. Weight is the account's share of requests relative to the others (1–100). */
export function EditAccountDialog({ account, onClose }: { account: AccountView | null; onClose: () => void }) {
  return (
    <Dialog open={account !== null} title={`Edit ${account?.name ?? 'account'}`} onClose={onClose}>
      {/* Keyed by account: each opening starts from that account's stored name and weight, with no old error. */}
      {account ? <EditAccountForm key={account.id} account={account} onClose={onClose} /> : null}
    </Dialog>
  );
}

function EditAccountForm({ account, onClose }: { account: AccountView; onClose: () => void }) {
  const api = useApi();
  const { putAccount } = useLive();
  const [name, setName] = useState(account.name);
  const [weight, setWeight] = useState(String(account.weight));
  const ids = { name: useId(), weight: useId(), weightHelp: useId() };
  const save = useAction(async (update: { name: string; weight: number }) => {
    putAccount(await api.accounts.update({ id: account.id, ...update }));
    onClose();
  });

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    if (save.pending) return;
    void save.run({ name: name.trim(), weight: Number(weight) });
  };

  return (
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
        <WeightInput
          id={ids.weight}
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
        <BusyButton type="submit" className="button button-primary" busy={save.pending}>
          Save
        </BusyButton>
      </div>
    </form>
  );
}
