/**
 * What the tray shows, computed from the core's state: the icon's look, the tooltip and the menu. Pure data in,
 * pure data out, so every rule here is tested in Node; tray.ts only turns the result into Electron objects.
 */
import type { AccountStatus } from '../core/accounts/types';

export type TrayIconState = 'running' | 'paused' | 'trouble';

export interface TrayAccount {
  name: string;
  status: AccountStatus;
  enabled: boolean;
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

const STATUS_WORDS: Record<Exclude<AccountStatus, 'ready'>, string> = {
  cooling_down: 'cooling down',
  quota_exhausted: 'out of credits',
  signed_out: 'signed out',
  blocked: 'blocked',
  failing: 'failing',
  locked: 'locked',
};

/** Windows truncates tray tooltips at 127 characters. */
const TOOLTIP_MAX = 127;

export function trayView(input: TrayInput): TrayView {
  const { icon, status, short } = summarize(input);
  const requests = `${input.todayRequests} ${input.todayRequests === 1 ? 'request' : 'requests'}`;
  const tooltip = clip(`Orchids Tray: ${short}\n${input.url}\nToday: ${requests}`, TOOLTIP_MAX);
  const menu: TrayMenuItem[] = [{ kind: 'status', label: status }];
  if (input.running) menu.push({ kind: 'status', label: `${input.url} · today ${requests}` });
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
  if (input.paused) return { icon: 'paused', status: 'Paused: not taking requests', short: 'paused' };
  const enabled = input.accounts.filter((a) => a.enabled);
  if (input.accounts.length === 0) {
    return { icon: 'trouble', status: 'No accounts yet: add one in Orchids Tray', short: 'no accounts' };
  }
  if (enabled.length === 0)
    return { icon: 'trouble', status: 'Every account is disabled', short: 'no account enabled' };
  const ready = enabled.filter((a) => a.status === 'ready').length;
  const problems = describeProblems(enabled);
  if (ready === 0)
    return { icon: 'trouble', status: `No account can serve: ${problems}`, short: 'no account can serve' };
  const trouble = enabled.some((a) => NEEDS_ATTENTION.has(a.status));
  const readyText =
    ready === enabled.length
      ? `${ready} ${ready === 1 ? 'account' : 'accounts'} ready`
      : `${ready} of ${enabled.length} accounts ready`;
  return {
    icon: trouble ? 'trouble' : 'running',
    status: `Running: ${readyText}${problems ? `; ${problems}` : ''}`,
    short: trouble ? 'running, needs attention' : 'running',
  };
}

/** "1 signed out, 2 out of credits", in a fixed order so the menu does not reshuffle between rebuilds. */
function describeProblems(accounts: TrayAccount[]): string {
  const counts = new Map<string, number>();
  for (const account of accounts) {
    if (account.status === 'ready') continue;
    const word = STATUS_WORDS[account.status];
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return Object.values(STATUS_WORDS)
    .filter((word) => counts.has(word))
    .map((word) => `${counts.get(word)} ${word}`)
    .join(', ');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The lines that point Claude Code at this proxy, ready to paste into a terminal. The API key goes in only when
 * one is set (then the proxy requires it); Claude Code sends it as `x-api-key`.
 */
export function claudeCodeSetup(url: string, apiKey: string, platform: NodeJS.Platform = process.platform): string {
  const vars: Array<[string, string]> = [['ANTHROPIC_BASE_URL', url]];
  if (apiKey) vars.push(['ANTHROPIC_API_KEY', apiKey]);
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
