/**
 * What the tray shows, computed from the core's state: the icon's look, the tooltip and the menu. Pure data in,
 * pure data out, so every rule here is tested in Node; tray.ts only turns the result into Electron objects.
 */
import { claudeCodeEnv } from '../../contract/claude-code-env';
import { creditsTotal } from '../../contract/credits';
import { pinnedMismatchWords, withPinnedMismatch, type PinnedMismatch } from '../../contract/pinned-protocol';
import { servingOf, servingWords } from '../../contract/serving';
import type { AccountCredits } from '../../contract/account-views';
import type { AccountStatus } from '../core/accounts/types';

export type TrayIconState = 'running' | 'paused' | 'trouble';

export interface TrayAccount {
  name: string;
  status: AccountStatus;
  enabled: boolean;
  statusUntil: number | null;
  /** As last read from the credits site; null (or absent) before any reading. */
  credits?: Pick<AccountCredits, 'left' | 'checkedAt'> | null;
}

export interface TrayInput {
  /** The proxy's server listens. */
  running: boolean;
  paused: boolean;
  /** Why the server could not start (port in use, bad host); the tray says so instead of "starting". */
  startError?: string;
  url: string;
  todayRequests: number;
  accounts: TrayAccount[];
  debugLogs: boolean;
  launchAtLogin: boolean;
  /** The pinned upstream protocol is not answering (ProxyStatus.pinnedMismatch): every request fails. */
  pinnedMismatch?: PinnedMismatch | null;
  /** A standing note for the menu, e.g. that cookies are sealed with the key file because there is no keychain. */
  secretsNote?: string;
}

export type TrayAction =
  'open' | 'copy-url' | 'copy-claude-setup' | 'toggle-pause' | 'toggle-debug' | 'toggle-login' | 'quit';

export type TrayMenuItem =
  | { kind: 'status'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; action: TrayAction; label: string; enabled: boolean }
  | { kind: 'checkbox'; action: TrayAction; label: string; checked: boolean; enabled: boolean };

export interface TrayView {
  icon: TrayIconState;
  tooltip: string;
  status: string;
  menu: TrayMenuItem[];
}

/** Account states that need a person (a fresh cookie, credits, the other mode): the tray turns to "trouble". */
const NEEDS_ATTENTION: ReadonlySet<AccountStatus> = new Set<AccountStatus>([
  'signed_out',
  'quota_exhausted',
  'locked',
  'blocked',
]);

/** Windows truncates tray tooltips at 127 characters. */
const TOOLTIP_MAX = 127;

export function trayView(input: TrayInput): TrayView {
  const { icon, status, short } = summarize(input);
  const requests = `${input.todayRequests} ${input.todayRequests === 1 ? 'request' : 'requests'}`;
  const tooltip = clip(`Orchids Tray: ${short}\n${input.url}\nToday: ${requests}`, TOOLTIP_MAX);
  const menu: TrayMenuItem[] = [{ kind: 'status', label: status }];
  if (input.running) menu.push({ kind: 'status', label: `${input.url} · today ${requests}` });
  const credits = creditsLine(input.accounts);
  if (input.running && credits) menu.push({ kind: 'status', label: credits });
  if (input.secretsNote) menu.push({ kind: 'status', label: input.secretsNote });
  menu.push(
    { kind: 'separator' },
    { kind: 'action', action: 'open', label: 'Open Orchids Tray', enabled: true },
    { kind: 'action', action: 'copy-url', label: 'Copy base URL', enabled: input.running },
    { kind: 'action', action: 'copy-claude-setup', label: 'Copy Claude Code setup', enabled: input.running },
    { kind: 'separator' },
    {
      kind: 'action',
      action: 'toggle-pause',
      label: input.paused ? 'Resume proxy' : 'Pause proxy',
      enabled: input.running,
    },
    { kind: 'checkbox', action: 'toggle-debug', label: 'Debug logging', checked: input.debugLogs, enabled: true },
    { kind: 'checkbox', action: 'toggle-login', label: 'Launch at login', checked: input.launchAtLogin, enabled: true },
    { kind: 'separator' },
    { kind: 'action', action: 'quit', label: 'Quit', enabled: true },
  );
  return { icon, tooltip, status, menu };
}

function summarize(input: TrayInput): { icon: TrayIconState; status: string; short: string } {
  if (!input.running) {
    if (input.startError) return { icon: 'trouble', status: `Not running: ${input.startError}`, short: 'not running' };
    return { icon: 'paused', status: 'Starting…', short: 'starting' };
  }
  // The window's badge, the Overview and a refused client use these same words (contract/serving.ts).
  const usable = input.accounts.filter((a) => a.enabled && a.status === 'ready').length;
  const serving = servingOf(input.accounts, usable, { running: true, paused: input.paused });
  const words = withPinnedMismatch(servingWords(serving), input.pinnedMismatch ?? null);
  const status = `${words.headline}: ${words.detail.replace(/\.$/, '')}`;
  if (serving.state === 'paused') return { icon: 'paused', status, short: 'paused' };
  if (serving.state !== 'serving') return { icon: 'trouble', status, short: words.headline };
  // Every account is ready and every request fails: the way out is in the window (Overview, "Use auto").
  if (input.pinnedMismatch) {
    const pin = pinnedMismatchWords(input.pinnedMismatch);
    return { icon: 'trouble', status: `${words.headline}: ${pin.detail.replace(/\.$/, '')}`, short: words.headline };
  }
  const trouble = input.accounts.some((a) => a.enabled && NEEDS_ATTENTION.has(a.status));
  return {
    icon: trouble ? 'trouble' : 'running',
    status,
    short: trouble ? `${words.headline}, needs attention` : words.headline,
  };
}

/** What the enabled accounts have left between them, counted as the Overview counts it; nothing before any reading. */
function creditsLine(accounts: readonly TrayAccount[]): string | undefined {
  const total = creditsTotal(accounts.map((a) => ({ enabled: a.enabled, credits: a.credits ?? null })));
  if (!total) return undefined;
  const accountWord = total.accounts === 1 ? 'account' : 'accounts';
  return `Credits left: ${total.left.toLocaleString('en-US')} across ${total.accounts} ${accountWord}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The lines that point Claude Code at this proxy, ready to paste into a terminal. Claude Code sends its key as
 * `x-api-key`: the proxy's key when one is set (then the proxy requires it), otherwise a placeholder, because
 * Claude Code with no key at all (and no Claude login) stops at "Not logged in" before it sends anything.
 */
export function claudeCodeSetup(url: string, apiKey: string, platform: NodeJS.Platform = process.platform): string {
  const vars = claudeCodeEnv(url, apiKey || 'not-needed');
  if (platform === 'win32') return vars.map(([name, value]) => `$env:${name}="${value}"`).join('\n') + '\n';
  return vars.map(([name, value]) => `export ${name}=${value}`).join('\n') + '\n';
}

/** Which asset file draws a state on this platform (relative to the assets folder). */
export function trayIconFile(state: TrayIconState, platform: NodeJS.Platform): string {
  // macOS: black-with-alpha template images (the menu bar tints them); "Template" in the name marks them as such,
  // and nativeImage picks up the @2x file beside each for Retina. Windows: 16 px with a 32 px @2x. Linux: the
  // status-notifier host scales one image to the panel, so a 32 px source stays sharp on HiDPI panels too.
  if (platform === 'darwin') return `tray/mac/tray-${state}Template.png`;
  if (platform === 'win32') return `tray/win/tray-${state}.png`;
  return `tray/linux/tray-${state}-32.png`;
}
