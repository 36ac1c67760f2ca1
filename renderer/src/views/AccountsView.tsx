import { describeCreditsCheck } from '../../../contract/credits';
import { useState } from 'react';
import { AccountRow, BreakableEmail } from '../components/accounts/AccountRow';
import { AddAccountDialog } from '../components/accounts/AddAccountDialog';
import { EditAccountDialog } from '../components/accounts/EditAccountDialog';
import { TestAccountDialog } from '../components/accounts/TestAccountDialog';
import { ExportButton, ImportButton } from '../components/accounts/ImportExport';
import { BusyButton } from '../components/BusyButton';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorNote, ViewHeader } from '../components/ViewHeader';
import { useApi, type AccountView } from '../lib/api';
import { useAction, useNow } from '../lib/hooks';
import { useCreditsSite, useLive } from '../lib/live';

export function AccountsView() {
  const api = useApi();
  const { accounts, accountsError, dropAccount, putAccount, refreshStatus } = useLive();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<AccountView | null>(null);
  const [testing, setTesting] = useState<AccountView | null>(null);
  const [removing, setRemoving] = useState<AccountView | null>(null);
  const now = useNow(15_000);
  const creditsSite = useCreditsSite();
  const remove = useAction(async (id: number) => {
    await api.accounts.remove({ id });
    dropAccount(id);
    refreshStatus();
    setRemoving(null);
  });

  // A read that changes nothing would look like no read at all: the note says what happened, and whom it missed.
  const [creditsNote, setCreditsNote] = useState<string | null>(null);
  const checkCredits = useAction(async () => {
    setCreditsNote(null);
    const result = await api.accounts.checkCredits({});
    for (const account of result.accounts) putAccount(account);
    setCreditsNote(describeCreditsCheck(result));
  });

  const addButton = (
    <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
      Add account
    </button>
  );

  return (
    <>
      <ViewHeader
        title="Accounts"
        subtitle={
          'Requests are spread over the enabled, ready accounts by weight; ' + 'a resting account comes back by itself.'
        }
        actions={
          <>
            <BusyButton
              className="button"
              title={`Read each enabled account's plan and credits from ${creditsSite} now`}
              disabled={!accounts?.length}
              busy={checkCredits.pending}
              onClick={() => void checkCredits.run()}
            >
              {checkCredits.pending ? 'Checking credits…' : 'Check credits'}
            </BusyButton>
            <ImportButton />
            <ExportButton count={accounts?.length ?? 0} />
            {addButton}
          </>
        }
      />
      <ErrorNote>{accountsError ?? checkCredits.error}</ErrorNote>
      {creditsNote ? (
        <p className="view-note" role="status">
          {creditsNote}
        </p>
      ) : null}
      {accounts === null ? (
        <p className="muted" aria-busy="true">
          Loading accounts…
        </p>
      ) : accounts.length === 0 ? (
        <div className="empty-state">
          <p className="empty-title">No accounts yet</p>
          <p className="muted">
            Paste the cookie of an Orchids account you are signed in to; Clerk confirms whose it is.
          </p>
          <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
            Add your first account
          </button>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="table table-cards table-accounts">
            <caption className="visually-hidden">Accounts</caption>
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">State</th>
                <th scope="col" className="num col-fit">
                  Weight
                </th>
                <th
                  scope="col"
                  className="num col-fit"
                  title="Every request since the account was added, not only today's"
                >
                  Requests
                </th>
                <th scope="col" className="col-fit">
                  Credits
                </th>
                <th scope="col" className="col-fit">
                  Last used
                </th>
                <th scope="col" className="col-fit">
                  Enabled<span className="visually-hidden"> and actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((account) => (
                <AccountRow
                  key={account.id}
                  account={account}
                  now={now}
                  onEdit={setEditing}
                  onTest={setTesting}
                  onRemove={setRemoving}
                  onPasteCookie={() => setAdding(true)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <AddAccountDialog
        open={adding}
        onClose={() => setAdding(false)}
        onTest={(account) => {
          setAdding(false);
          setTesting(account);
        }}
      />
      <EditAccountDialog account={editing} onClose={() => setEditing(null)} />
      <TestAccountDialog account={testing} onClose={() => setTesting(null)} />
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.name ?? 'account'}?`}
        confirmLabel="Remove account"
        danger
        pending={remove.pending}
        error={remove.error}
        onConfirm={() => removing && void remove.run(removing.id)}
        onClose={() => {
          remove.clearError();
          setRemoving(null);
        }}
      >
        <p>
          {removing ? <BreakableEmail email={removing.email} /> : 'This account'} stops taking requests and its cookie
          is deleted from this computer. Its past requests stay in the logs. You can add it again later with a fresh
          cookie.
        </p>
      </ConfirmDialog>
    </>
  );
}
