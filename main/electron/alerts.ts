/**
 * Which account changes deserve a desktop notification, and how often. A person should hear once that an account
 * signed out or ran out of credits, and once that no account can serve, not once per failed request: each
 * (account, state) pair and the "none can serve" alert have their own cool-down, and changes that arrive in one
 * batch become one notification.
 */
import type { AccountStatus } from '../core/accounts/types';

export interface Alert {
  title: string;
  body: string;
}

export interface StateChangeLike {
  accountId: number;
  previous: AccountStatus;
  status: AccountStatus;
  reason: string;
}

export interface AccountAlertsOptions {
  notify(alert: Alert): void;
  /** The account's display name, for the message. */
  nameOf(accountId: number): string;
  now?: () => number;
  /** The same account entering the same state again inside this window stays quiet. Default 15 minutes. */
  repeatAfterMs?: number;
  /** "No account can serve" at most once per this long. Default 10 minutes. */
  noneRepeatAfterMs?: number;
}

const ALERTED: Partial<Record<AccountStatus, string>> = {
  signed_out: 'signed out',
  quota_exhausted: 'is out of credits',
};

export class AccountAlerts {
  private readonly lastAlert = new Map<string, number>();
  private lastNoneAt = -Infinity;
  private lastUsable: number | undefined;
  private readonly now: () => number;

  constructor(private readonly options: AccountAlertsOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * One delivery's worth of state changes, then the usable count after them. The first observation only sets the
   * baseline: at start-up the window and the tray icon already show the state.
   */
  observe(changes: StateChangeLike[], usable: { usable: number; total: number; paused: boolean }): void {
    const now = this.now();
    const fresh: Array<{ name: string; status: AccountStatus; reason: string }> = [];
    for (const change of changes) {
      if (!ALERTED[change.status] || change.previous === change.status) continue;
      const key = `${change.accountId}:${change.status}`;
      if (now - (this.lastAlert.get(key) ?? -Infinity) < (this.options.repeatAfterMs ?? 15 * 60_000)) continue;
      this.lastAlert.set(key, now);
      fresh.push({ name: this.options.nameOf(change.accountId), status: change.status, reason: change.reason });
    }
    if (fresh.length === 1) {
      const [one] = fresh as [(typeof fresh)[number]];
      this.options.notify({
        title: `${one.name} ${ALERTED[one.status]}`,
        body: one.reason || 'Open Orchids Tray to see why.',
      });
    } else if (fresh.length > 1) {
      this.options.notify({
        title: `${fresh.length} accounts need attention`,
        body: fresh.map((f) => `${f.name} ${ALERTED[f.status]}`).join('\n'),
      });
    }

    const before = this.lastUsable;
    this.lastUsable = usable.usable;
    if (before === undefined || before === 0 || usable.usable > 0 || usable.total === 0 || usable.paused) return;
    if (now - this.lastNoneAt < (this.options.noneRepeatAfterMs ?? 10 * 60_000)) return;
    this.lastNoneAt = now;
    this.options.notify({
      title: 'No account can serve requests',
      body: 'Clients get an error until an account is ready again. Open Orchids Tray to see why.',
    });
  }
}
