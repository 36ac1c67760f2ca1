import type { AccountView } from '../lib/api';
import { formatDuration, STATUS_LABEL, STATUS_TONE } from '../lib/format';
import { useNow } from '../lib/hooks';

/** An account's state in words, why, and (for states that heal) a live countdown to when it is tried again. */
export function StatusBadge({ account, showReason = true }: { account: AccountView; showReason?: boolean }) {
  const until = account.statusUntil;
  const counting = account.status !== 'ready' && until !== null;
  const now = useNow(1000, counting);
  const left = until === null ? 0 : until - now;
  return (
    <span className="status">
      <span className={`badge badge-${STATUS_TONE[account.status]}`}>{STATUS_LABEL[account.status]}</span>
      {counting ? (
        <span
          className="countdown"
          role="timer"
          aria-label={`${STATUS_LABEL[account.status]}: ${left > 0 ? `retry in ${formatDuration(left)}` : 'checking again now'}`}
        >
          {left > 0 ? `retry in ${formatDuration(left)}` : 'checking again…'}
        </span>
      ) : null}
      {showReason && account.status !== 'ready' && account.statusReason ? (
        <span className="status-reason">{account.statusReason}</span>
      ) : null}
    </span>
  );
}
