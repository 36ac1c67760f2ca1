import { Fragment, useRef } from 'react';
import { useApi, type AccountView } from '../../lib/api';
import { formatAgo, formatCount, formatDateTime, sinceAdded } from '../../lib/format';
import { useAction } from '../../lib/hooks';
import { useCreditsSite, useLive } from '../../lib/live';
import { BusyButton } from '../BusyButton';
import { StatusBadge } from '../StatusBadge';
import { Switch } from '../Switch';

/** Text with a break allowed before each dot ("engineering" over ".example"), none elsewhere unless it must. */
function breakBeforeDots(text: string) {
  return text.split(/(?=\.)/).map((part, i) => (
    <Fragment key={i}>
      {i > 0 ? <wbr /> : null}
      {part}
    </Fragment>
  ));
}

/**
 * A long address wraps in two parts, its name, then "@" and its domain, each kept whole on its line where it fits and
 * broken before a dot where it does not ("rate.limited" over "@example.test"), so it never widens its row or dialog.
 * DECISION: wrapped, not cut with an ellipsis: on Accounts and in Remove account the address is what tells two
 * accounts apart, often by the domain an ellipsis would hide, and a tooltip is out of reach of touch and the keyboard.
 * Where a list is read at a glance (the Overview's accounts) it is cut, with the whole in its tooltip. The "@" and dots
 * begin a line, not end one, as style guides break addresses: a line starting "@" reads as the rest of the address.
 * The label keeps the accessible name the address as written: from the content, the two inline blocks would read as
 * two words ("rate.limited @example.test").
 */
export function BreakableEmail({ email }: { email: string }) {
  const at = email.lastIndexOf('@');
  if (at <= 0) return <span className="email">{breakBeforeDots(email)}</span>;
  return (
    <span className="email" aria-label={email}>
      <span className="email-part">{breakBeforeDots(email.slice(0, at))}</span>
      <wbr />
      <span className="email-part">{breakBeforeDots(email.slice(at))}</span>
    </span>
  );
}

interface AccountRowProps {
  account: AccountView;
  now: number;
  onEdit: (account: AccountView) => void;
  onTest: (account: AccountView) => void;
  onRemove: (account: AccountView) => void;
  /** Opens Add account, where a fresh cookie of the same Orchids user refreshes this account. */
  onPasteCookie: () => void;
}

/**
 * "PRO · 96,571 left", with what it is out of and when the credits site said so in its title; "Reading…" while a newly
 * added account's first read is due (a second or two), a dash before any read otherwise (and after a first read that
 * failed, as a failed read leaves any figure as it was).
 */
export function CreditsFigure({ credits, reading }: { credits: AccountView['credits']; reading?: boolean }) {
  const site = useCreditsSite();
  if (!credits && reading)
    return (
      <span className="muted" title={`Reading this account's plan and credits from ${site}`}>
        Reading…
      </span>
    );
  if (!credits) return <span title={`Not read from ${site} yet`}>—</span>;
  const title =
    `${credits.plan} plan: ${formatCount(credits.left)} of ${formatCount(credits.monthlyLimit)} monthly credits ` +
    `left, as ${site} said at ${formatDateTime(credits.checkedAt)}`;
  return (
    <span className="credits-figure" title={title}>
      <span className="credits-plan">{credits.plan}</span>
      <span className="credits-sep" aria-hidden="true">
        {' · '}
      </span>
      <span className="credits-left">{formatCount(credits.left)} left</span>
    </span>
  );
}

/** One account: who, its state and why, its share and traffic, and what can be done to it. */
export function AccountRow({ account, now, onEdit, onTest, onRemove, onPasteCookie }: AccountRowProps) {
  const api = useApi();
  const { putAccount, refreshStatus, status } = useLive();
  const toggle = useAction(async (enabled: boolean) => {
    putAccount(await api.accounts.update({ id: account.id, enabled }));
    refreshStatus();
  });
  // Reset goes with the state it clears: the keyboard carries on from its neighbour, Test (the natural next step:
  // does the account work now?), not from the page start.
  const testButton = useRef<HTMLButtonElement>(null);
  const reset = useAction(async () => {
    putAccount(await api.accounts.reset({ id: account.id }));
    refreshStatus();
    testButton.current?.focus();
  });
  // Desktop only: a window on Orchids' sign-in page; the cookie it yields refreshes this account, nobody else's.
  const refreshSignIn = useAction(async () => {
    const result = await api.accounts.refreshSignIn({ id: account.id });
    if (result.outcome !== 'signedIn') return;
    putAccount(result.account);
    refreshStatus();
  });
  const canRefreshSignIn = account.status === 'signed_out' && status?.shell === 'desktop';
  // In a browser there is no sign-in window: the reason says to copy a fresh cookie, and this is where it goes.
  const canPasteCookie = account.status === 'signed_out' && status !== null && status.shell !== 'desktop';
  const error = toggle.error ?? reset.error ?? refreshSignIn.error;
  return (
    <tr className={account.enabled ? undefined : 'disabled-row'}>
      <th scope="row" className="account-cell">
        {/* Added without a name, the account is named by its e-mail: one long run that breaks as the address does. */}
        <span className="account-name">
          {account.name === account.email ? <BreakableEmail email={account.name} /> : account.name}
        </span>
        {account.email && account.email !== account.name ? (
          <span className="account-email">
            <BreakableEmail email={account.email} />
          </span>
        ) : null}
        {error ? (
          <span className="error-inline" role="alert">
            {error}
          </span>
        ) : null}
      </th>
      <td className="cell-state">
        <StatusBadge account={account} />
        {account.protocol ? (
          <span className="protocol-tag" title="The upstream protocol this account answered on last">
            via {account.protocol}
          </span>
        ) : null}
        {/* The way out of a state, and the test of it, sit beside the state, which also keeps the actions column
            narrow enough for the name and the address. */}
        <span className="state-actions">
          {canRefreshSignIn ? (
            <BusyButton
              className="button button-small"
              aria-label={`Refresh sign-in: ${account.name}`}
              title="Sign in to Orchids again in a window; the account keeps its name, weight and history"
              busy={refreshSignIn.pending}
              onClick={() => void refreshSignIn.run()}
            >
              {refreshSignIn.pending ? 'Signing in…' : 'Refresh sign-in'}
            </BusyButton>
          ) : null}
          {canPasteCookie ? (
            <button
              type="button"
              className="button button-small"
              aria-label={`Paste new cookie: ${account.name}`}
              title="Open Add account: a fresh cookie of the same Orchids user signs this account in again"
              onClick={onPasteCookie}
            >
              Paste new cookie
            </button>
          ) : null}
          {account.status !== 'ready' ? (
            <BusyButton
              className="button button-small"
              aria-label={`Reset ${account.name}`}
              title="Mark ready and try it again now"
              busy={reset.pending}
              onClick={() => void reset.run()}
            >
              Reset
            </BusyButton>
          ) : null}
          <button
            ref={testButton}
            type="button"
            className="button button-small"
            aria-label={`Test ${account.name}`}
            title="Send one short request through this account and see, step by step, whether and how it works"
            onClick={() => onTest(account)}
          >
            Test
          </button>
        </span>
      </td>
      <td className="num cell-weight" data-label="Weight">
        {account.weight}
      </td>
      <td
        className="num cell-requests"
        data-label="Requests"
        title={`${formatCount(account.requestCount)}${sinceAdded(account.requestCount)}`}
      >
        {formatCount(account.requestCount)}
      </td>
      <td className="cell-credits" data-label="Credits">
        <CreditsFigure credits={account.credits} reading={account.creditsReading} />
      </td>
      <td className="nowrap cell-used" data-label="Last used">
        <span title={account.lastUsedAt ? formatDateTime(account.lastUsedAt) : undefined}>
          {formatAgo(account.lastUsedAt, now)}
        </span>
      </td>
      {/* The switch leads the row's actions, under the "Enabled" heading: one column fewer keeps the name, the address
          and the state readable in a desktop window. */}
      <td className="row-actions">
        <div className="row-controls">
          <span className="row-switch">
            <Switch
              label={`Enabled: ${account.name}`}
              hideLabel
              checked={account.enabled}
              busy={toggle.pending}
              onChange={(enabled) => void toggle.run(enabled)}
            />
          </span>
          <span className="row-buttons">
            <button
              type="button"
              className="button button-small"
              aria-label={`Edit ${account.name}`}
              onClick={() => onEdit(account)}
            >
              Edit
            </button>
            <button
              type="button"
              className="button button-small button-danger-quiet"
              aria-label={`Remove ${account.name}`}
              onClick={() => onRemove(account)}
            >
              Remove
            </button>
          </span>
        </div>
      </td>
    </tr>
  );
}
