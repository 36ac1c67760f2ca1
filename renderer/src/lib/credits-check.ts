import type { AccountView } from '../../../contract/views';

/**
 * What a "Check credits" click did, in a sentence: how many accounts orchids.app answered for, and by name those it
 * did not (their last figure stays). An account counts as read when its figure's time moved, so the sentence needs
 * no clock of its own and holds even when the figure itself did not change.
 */
export function creditsCheckOutcome(before: readonly AccountView[], after: readonly AccountView[]): string {
  const readAt = new Map(before.map((a) => [a.id, a.credits?.checkedAt]));
  const read = after.filter((a) => a.credits && a.credits.checkedAt !== readAt.get(a.id));
  const missed = after.filter((a) => a.enabled && !read.includes(a));
  if (read.length === 0 && missed.length === 0) return 'No enabled account to read credits for.';
  const accounts = (n: number): string => `${n} ${n === 1 ? 'account' : 'accounts'}`;
  if (missed.length === 0) return `Read the credits of ${accounts(read.length)} from orchids.app.`;
  const names = missed.map((a) => (a.status === 'signed_out' ? `${a.name} (signed out)` : a.name)).join(', ');
  if (read.length === 0)
    return `Could not read the credits of ${names}. ${missed.length === 1 ? 'Its' : 'Their'} last figure stays.`;
  return (
    `Read the credits of ${read.length} of ${accounts(read.length + missed.length)}; not read: ${names}. ` +
    `${missed.length === 1 ? 'Its' : 'Their'} last figure stays.`
  );
}
