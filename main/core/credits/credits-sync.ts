import type { CreditsCheckOutcome } from '../../../contract/account-views';
import type { AccountRecord } from '../accounts/types';
import type { CreditsFigure } from './credits-reply';

/** How often every enabled account's credits are read again. */
export const CREDITS_SYNC_INTERVAL_MS = 15 * 60_000;
/** The first pass waits this long after start, so it never competes with the requests of a fresh start. */
export const CREDITS_FIRST_SYNC_MS = 10_000;
/**
 * A newly added account's first read waits this long, not the first pass's 10 s.
 * DECISION: its own short delay rather than reading at once or waiting as the start does. The first pass waits so the
 * requests of a fresh start come first; adding an account is the person's own act, with no requests of theirs to
 * yield to, and they are looking at the row. A second and a half still lets the add's own work (Clerk, the window
 * reading the list again) finish first. An option of its own (`addedReadMs`), so a test that sets when passes run
 * keeps its timing apart from added accounts.
 */
export const CREDITS_ADDED_READ_MS = 1_500;
/** Accounts read at once: a pass over many accounts is a trickle, not a burst, at the site. */
export const CREDITS_SYNC_CONCURRENCY = 2;

export interface CreditsSyncDeps {
  /** The site read, by name (creditsSiteName), for whoever tells a person what a check did. */
  site: string;
  accounts: () => readonly AccountRecord[];
  /** A session JWT for the account without minting one (undefined: none to hand, the account is skipped). */
  token: (account: AccountRecord) => Promise<string | undefined>;
  read: (jwt: string, userId: string) => Promise<CreditsFigure>;
  /** Persists a figure; true when plan, credits or limit differ from what was stored. */
  save: (accountId: number, figure: CreditsFigure, checkedAt: number) => boolean;
  /** The run-time switch; off, nothing is sent to the site. */
  enabled: () => boolean;
  /**
   * Told once after a pass (or a single check) that read any account. A figure read again unchanged still moved its
   * reading time, which every window shows ("read 2 minutes ago"); windows read the list again only when told.
   */
  changed: () => void;
  log: (line: string) => void;
  now?: () => number;
  intervalMs?: number;
  firstSyncMs?: number;
  /** How long a newly added account waits for its first read (CREDITS_ADDED_READ_MS). */
  addedReadMs?: number;
  concurrency?: number;
}

/** Thrown by `token` for an account not worth asking for now: its outcome is "skipped" with this message. */
export class CreditsSkip extends Error {}

/** What a pass did, for whoever asked for it: one outcome per account it was for, in the order it was given them. */
export interface CreditsPass {
  outcomes: CreditsCheckOutcome[];
  /** Accounts whose plan, credits or limit differ from what was stored before. */
  changed: number;
}

/**
 * Keeps each account's plan and credits fresh, entirely off the request path: a timer starts passes, a pass reads
 * a few accounts at a time, and a failure only costs a log line and its outcome in the pass (the account keeps its
 * last figure and the time it was read). Passes do not overlap: a check asked for while one runs joins it.
 */
export class CreditsSync {
  private timer: NodeJS.Timeout | undefined;
  /** When the timer's next pass runs (undefined while none is armed). */
  private nextPassAt: number | undefined;
  /** Reads of newly added accounts, waiting their turn; cleared by `stop`. */
  private readonly addedReads = new Set<NodeJS.Timeout>();
  /** Newly added accounts whose first read is due or under way: the window says "Reading…" for them, not "—". */
  private readonly reading = new Set<number>();
  private running: Promise<CreditsPass> | undefined;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly deps: CreditsSyncDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    this.arm(this.deps.firstSyncMs ?? CREDITS_FIRST_SYNC_MS);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.nextPassAt = undefined;
    for (const read of this.addedReads) clearTimeout(read);
    this.addedReads.clear();
    this.reading.clear();
  }

  /**
   * Newly added accounts (one pasted, or the new ones of an import) are read soon, not at the next pass: until then
   * the window would show "—" for their credits, up to 15 minutes, which reads as broken. They wait a moment of their
   * own (CREDITS_ADDED_READ_MS), and are left to the pass when one runs by then; meanwhile `isReading` says so, and
   * the window shows "Reading…". An import's accounts are one read of them together, in the pass's few lanes: a
   * trickle at the site and at Clerk, however many the file held. Switched off, nothing is marked and nothing sent.
   */
  accountsAdded(accountIds: readonly number[]): void {
    if (accountIds.length === 0 || this.stopped || !this.deps.enabled()) return;
    for (const id of accountIds) this.reading.add(id);
    const delayMs = this.deps.addedReadMs ?? CREDITS_ADDED_READ_MS;
    if (this.nextPassAt !== undefined && this.nextPassAt <= this.now() + delayMs) return;
    const ids = new Set(accountIds);
    const read = setTimeout(() => {
      this.addedReads.delete(read);
      // A failure is logged by the check and leaves the account as it was: nothing to add here.
      this.pass(
        this.deps.accounts().filter((a) => ids.has(a.id)),
        { askAnyway: true },
      )
        .catch(() => undefined)
        .finally(() => {
          // Those the pass never saw (removed meanwhile, or the switch turned off): not reading any more either.
          let left = false;
          for (const id of ids) left = this.reading.delete(id) || left;
          if (left) this.deps.changed();
        });
    }, delayMs);
    read.unref();
    this.addedReads.add(read);
  }

  /** Whether the account was just added and its first read is due or under way (AccountView.creditsReading). */
  isReading(accountId: number): boolean {
    // Switched off, the read it waits for is not sent: "—" is the truth, not a "Reading…" that would never end.
    return this.reading.has(accountId) && this.deps.enabled();
  }

  /** The site read, by name: `orchids.app` unless ORCHIDS_SITE_URL names another. */
  get site(): string {
    return this.deps.site;
  }

  /** Whether the run-time switch lets anything be sent to the site. */
  switchedOn(): boolean {
    return this.deps.enabled();
  }

  /**
   * Reads every enabled account now (or joins the pass already running). An enabled account whose session cannot
   * be used is not asked for, and its outcome says why.
   */
  syncAll(): Promise<CreditsPass> {
    this.running ??= this.pass(this.deps.accounts().filter((a) => a.enabled)).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Reads one account now, whatever its state; resolves once its figure (or the failure) is recorded. */
  async syncOne(accountId: number): Promise<CreditsPass> {
    const account = this.deps.accounts().find((a) => a.id === accountId);
    return this.pass(account ? [account] : [], { askAnyway: true });
  }

  private arm(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.nextPassAt = this.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.nextPassAt = undefined;
      const next = (): void => this.arm(this.deps.intervalMs ?? CREDITS_SYNC_INTERVAL_MS);
      if (!this.deps.enabled()) return next();
      this.syncAll().then(next, next);
    }, delayMs);
    this.timer.unref();
  }

  private async pass(accounts: readonly AccountRecord[], how: { askAnyway?: boolean } = {}): Promise<CreditsPass> {
    if (!this.deps.enabled()) return { outcomes: [], changed: 0 };
    // Indexed, so the outcomes keep the accounts' order however the lanes finish. An account to ask starts as not
    // reached, which it stays if the app stops first.
    const outcomes: CreditsCheckOutcome[] = [];
    const queue: number[] = [];
    for (const [index, account] of accounts.entries()) {
      const unusable = how.askAnyway ? undefined : unusableBecause(account);
      outcomes.push({ id: account.id, outcome: 'skipped', reason: unusable ?? STOPPING });
      if (!unusable) queue.push(index);
    }
    const result: CreditsPass = { outcomes, changed: 0 };
    const worker = async (): Promise<void> => {
      for (let index = queue.shift(); index !== undefined && !this.stopped; index = queue.shift()) {
        outcomes[index] = await this.check(accounts[index]!, result);
      }
    };
    const lanes = Math.max(1, Math.min(this.deps.concurrency ?? CREDITS_SYNC_CONCURRENCY, queue.length));
    await Promise.all(Array.from({ length: lanes }, worker));
    // An account marked as reading changes in the windows whatever its read came to: a failed or skipped first read
    // goes back to "—", as a failed pass leaves a figure as it was.
    let wasReading = false;
    for (const account of accounts) wasReading = this.reading.delete(account.id) || wasReading;
    if (wasReading || outcomes.some((o) => o.outcome === 'read')) this.deps.changed();
    return result;
  }

  private async check(account: AccountRecord, result: CreditsPass): Promise<CreditsCheckOutcome> {
    const id = account.id;
    try {
      const jwt = await this.deps.token(account);
      if (!jwt) {
        this.deps.log(`[credits] account ${id}: skipped, no session token to hand`);
        return { id, outcome: 'skipped', reason: 'no session token to hand' };
      }
      const figure = await this.deps.read(jwt, account.userId);
      if (this.stopped) return { id, outcome: 'skipped', reason: STOPPING };
      if (this.deps.save(id, figure, this.now())) result.changed += 1;
      return { id, outcome: 'read' };
    } catch (error) {
      if (error instanceof CreditsSkip) {
        this.deps.log(`[credits] account ${id}: skipped, ${error.message}`);
        return { id, outcome: 'skipped', reason: error.message };
      }
      // Messages come from CreditsError and Clerk errors, which never carry a token, cookie or reply body.
      const reason = (error as Error).message;
      this.deps.log(`[credits] account ${id}: reading credits failed, keeping the last figure: ${reason}`);
      return { id, outcome: 'failed', reason };
    }
  }
}

/** An account not yet reached when the app stopped keeps this outcome. */
const STOPPING = 'the app was stopping';

/** Why the account's session cannot be used at all (signed out, or sealed where this app is blind), if so. */
function unusableBecause(account: AccountRecord): string | undefined {
  if (account.status === 'signed_out') return 'signed out';
  if (account.status === 'locked') return 'locked';
  return undefined;
}
