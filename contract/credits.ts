/**
 * What the enabled accounts have left between them, as last read from orchids.app: one rule for the Overview and
 * the tray, so both count the same accounts. Plain data and a pure function, shared by the renderer and the shell.
 */
import type { AccountCredits } from './views';

export interface CreditsTotal {
  left: number;
  /** Enabled accounts with a figure. */
  accounts: number;
  /** When the stalest of those figures was read: a total is never fresher than its oldest part. */
  oldestCheckedAt: number;
}

/** Undefined before any enabled account has a figure. */
export function creditsTotal(
  accounts: ReadonlyArray<{ enabled: boolean; credits: Pick<AccountCredits, 'left' | 'checkedAt'> | null }>,
): CreditsTotal | undefined {
  const known = accounts.flatMap((a) => (a.enabled && a.credits ? [a.credits] : []));
  if (known.length === 0) return undefined;
  return {
    left: known.reduce((sum, c) => sum + c.left, 0),
    accounts: known.length,
    oldestCheckedAt: Math.min(...known.map((c) => c.checkedAt)),
  };
}
