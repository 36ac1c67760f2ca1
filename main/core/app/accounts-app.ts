import type {
  AccountView,
  AddAccountResult,
  AccountTestResult,
  CreditsCheckResult,
  ExportResult,
  ImportResult,
} from '../../../contract/account-views';
import type { AccountCache } from '../accounts/account-cache';
import {
  AccountError,
  type AccountService,
  type AccountUpdate,
  type AddAccountInput,
} from '../accounts/account-service';
import type { AccountStates } from '../accounts/account-states';
import type { AccountRecord } from '../accounts/types';
import type { CreditsSync } from '../credits';
import type { EventBus } from '../events/event-bus';
import type { AccountTester, AccountTestOptions } from '../proxy/account-test';
import { accountView } from './views';

const EXPORT_VERSION = 1;

export interface AccountsAppDeps {
  accounts: AccountService;
  states: AccountStates;
  cache: AccountCache;
  credits: Pick<CreditsSync, 'syncAll' | 'syncOne' | 'switchedOn' | 'site' | 'accountsAdded' | 'isReading'>;
  tester: Pick<AccountTester, 'test'>;
  /** Told of every change a person made, so each open window (and the tray) reads the list again. */
  bus: Pick<EventBus, 'publish'>;
}

/** The accounts as the window, the CLI and the tray manage them: every answer is a wire view, never a record. */
export class AccountsApp {
  constructor(private readonly deps: AccountsAppDeps) {}

  list(): AccountView[] {
    return this.deps.accounts.list().map((account) => this.view(account));
  }

  get(id: number): AccountView {
    return this.view(this.deps.accounts.get(id));
  }

  /** The account as the wire shows it, "Reading…" in its credits while its first read is due. */
  private view(account: AccountRecord): AccountView {
    return accountView(account, this.deps.credits.isReading(account.id));
  }

  async add(input: AddAccountInput): Promise<AddAccountResult> {
    const { account, created, notice } = await this.deps.accounts.add(input);
    // Marked as reading before the windows are told, so the list they read again already says so.
    if (created) this.deps.credits.accountsAdded([account.id]);
    this.changed();
    return { account: this.view(account), created, ...(notice ? { notice } : {}) };
  }

  update(id: number, update: AccountUpdate): AccountView {
    const account = this.view(this.deps.accounts.update(id, update));
    this.changed();
    return account;
  }

  /** Removes the account; returns it as it was. */
  remove(id: number): AccountView {
    const account = this.get(id);
    this.deps.accounts.remove(id);
    this.changed();
    return account;
  }

  /** A person cleared the account's state: ready at once, with a fresh token on its next use. */
  reset(id: number): AccountView {
    this.deps.accounts.get(id);
    this.deps.states.reset(id);
    this.changed();
    return this.get(id);
  }

  /**
   * Reads plan and credits again now, for every enabled account or the one given, and answers with the list as it
   * then stands and what the check came to for each account. A failed read keeps the account's last figure (the
   * reason goes to the log as well).
   */
  async checkCredits(id?: number): Promise<CreditsCheckResult> {
    if (!this.deps.credits.switchedOn())
      throw new AccountError('invalid_input', 'Credits checks are off: turn on Credits in Settings first.');
    if (id !== undefined) this.deps.accounts.get(id);
    const pass = id === undefined ? await this.deps.credits.syncAll() : await this.deps.credits.syncOne(id);
    return { site: this.deps.credits.site, accounts: this.list(), outcomes: pass.outcomes };
  }

  /**
   * One short request through the real upstream path on this account, whatever its state, step by step; counted
   * nowhere and changing nothing (accounts:test).
   */
  test(id: number, options: AccountTestOptions = {}): Promise<AccountTestResult> {
    return this.deps.tester.test(this.deps.accounts.get(id), options);
  }

  private changed(): void {
    this.deps.bus.publish({ type: 'accounts.changed', at: Date.now() });
  }

  /** Notified after any change to any account (added, edited, removed, a state moved), for the tray. */
  onChange(listener: () => void): () => void {
    return this.deps.cache.onChange(listener);
  }

  /** Every account with its `__client` cookie in the clear, in the file format `importJson` reads. */
  exportJson(): ExportResult {
    const accounts = this.deps.accounts.list().map((account) => {
      let cookie: string | null;
      try {
        cookie = this.deps.accounts.openCookies(account).client ?? null;
      } catch {
        cookie = null; // sealed by another mode: exported without it, and the file says so
      }
      return { name: account.name, email: account.email, weight: account.weight, enabled: account.enabled, cookie };
    });
    const json = JSON.stringify({ version: EXPORT_VERSION, exportedAt: new Date().toISOString(), accounts }, null, 2);
    return { json, count: accounts.length };
  }

  async importJson(json: string): Promise<ImportResult> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new AccountError('invalid_input', 'That file is not JSON. Import takes a file made by Export.');
    }
    const list = (parsed as { accounts?: unknown }).accounts;
    if (!Array.isArray(list))
      throw new AccountError('invalid_input', 'No "accounts" list in that file. Import takes a file made by Export.');
    const result: ImportResult = { added: 0, updated: 0, failed: [] };
    const toRead: number[] = [];
    // One at a time: each is a Clerk round trip, and Clerk should not see a burst from one address.
    for (const [index, entry] of list.entries()) {
      const item = entry as { cookie?: unknown; name?: unknown; weight?: unknown; enabled?: unknown; email?: unknown };
      const email = typeof item.email === 'string' ? item.email : undefined;
      if (typeof item.cookie !== 'string' || !item.cookie) {
        result.failed.push({
          index,
          email,
          error: 'no cookie in this entry (it was exported from a mode that could not open it)',
        });
        continue;
      }
      try {
        const { account, created: wasCreated } = await this.deps.accounts.add({
          cookie: item.cookie,
          name: typeof item.name === 'string' ? item.name : undefined,
          weight: typeof item.weight === 'number' ? item.weight : undefined,
        });
        const disabled = item.enabled === false;
        if (disabled) this.deps.accounts.update(account.id, { enabled: false });
        if (wasCreated) {
          result.added += 1;
          // A disabled account is left out of every pass, so its import does not read it either.
          if (!disabled) toRead.push(account.id);
        } else result.updated += 1;
      } catch (error) {
        result.failed.push({ index, email, error: (error as Error).message });
      }
    }
    this.deps.credits.accountsAdded(toRead);
    if (result.added + result.updated > 0) this.changed();
    return result;
  }
}
