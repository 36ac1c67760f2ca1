import type { AccountView } from '../lib/api';
import { formatDuration, STATUS_LABEL, STATUS_TONE } from '../lib/format';
import { useNow } from '../lib/hooks';

/** An account's state in words, why, and (for states that heal) a live countdown to when it is tried again. */
export function StatusBadge({ account, showReason = true }: { account: AccountView; showReason?: boolean }) {
  const until = account.statusUntil;
  return (
    <span className="status">
      <span className={`badge badge-${STATUS_TONE[account.status]}`}>{STATUS_LABEL[account.status]}</span>
      {account.status !== 'ready' && until !== null ? <Countdown status={account.status} until={until} /> : null}
      {showReason && account.status !== 'ready' && account.statusReason ? (
        <span className="status-reason">{account.statusReason}</span>
      ) : null}
    </span>
  );
}

/** Mounted only while the state heals: its clock starts when the countdown appears. */
function Countdown({ status, until }: { status: AccountView['status']; until: number }) {
  const left = until - useNow(1000);
  const text = left > 0 ? `retry in ${formatDuration(left)}` : 'checking again…';
  const spoken = left > 0 ? `retry in ${formatDuration(left)}` : 'checking again now';
  return (
    <span className="countdown" role="timer" aria-label={`${STATUS_LABEL[status]}: ${spoken}`}>
      {text}
    </span>
  );
}
