import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AccountAlerts, type Alert } from '../../main/electron/alerts';
import {
  applyLaunchAtLogin,
  AUTOSTART_FILE,
  autostartEntry,
  execArg,
  HIDDEN_ARG,
} from '../../main/electron/login-item';
import { electronSqliteBinding } from '../../main/electron/native-sqlite';

describe('account notifications', () => {
  function alerts() {
    let now = 1_000_000;
    const sent: Alert[] = [];
    const names: Record<number, string> = { 1: 'work', 2: 'home', 3: 'spare' };
    const a = new AccountAlerts({ notify: (alert) => sent.push(alert), nameOf: (id) => names[id]!, now: () => now });
    return { a, sent, advance: (ms: number) => (now += ms) };
  }
  const change = (
    accountId: number,
    status: 'signed_out' | 'quota_exhausted' | 'cooling_down' | 'ready',
    previous = 'ready' as const,
  ) => ({
    accountId,
    previous,
    status,
    reason:
      status === 'signed_out'
        ? 'Signed out: Clerk said no. Paste a fresh cookie to sign it in again.'
        : 'Out of Orchids credits.',
  });
  const ok = { usable: 2, total: 3, paused: false };

  it('says when an account signs out or runs out of credits, once per cool-down', () => {
    const { a, sent, advance } = alerts();
    a.observe([], ok);
    a.observe([change(1, 'signed_out')], ok);
    expect(sent).toEqual([
      { title: 'work signed out', body: 'Signed out: Clerk said no. Paste a fresh cookie to sign it in again.' },
    ]);
    a.observe([change(1, 'signed_out', 'signed_out' as never)], ok); // probe failed again: same state
    a.observe([{ ...change(1, 'signed_out'), previous: 'ready' }], ok); // flapped back within the cool-down
    expect(sent).toHaveLength(1);
    advance(15 * 60_000);
    a.observe([change(1, 'signed_out')], ok);
    expect(sent).toHaveLength(2);
    a.observe([change(2, 'quota_exhausted')], ok);
    expect(sent.at(-1)).toEqual({ title: 'home is out of credits', body: 'Out of Orchids credits.' });
  });

  it('folds several changes of one delivery into one notification; ignores cool-downs', () => {
    const { a, sent } = alerts();
    a.observe([], ok);
    a.observe([change(1, 'signed_out'), change(2, 'quota_exhausted'), change(3, 'cooling_down')], ok);
    expect(sent).toEqual([{ title: '2 accounts need attention', body: 'work signed out\nhome is out of credits' }]);
  });

  it('says when no account can serve, on the transition only, rate-limited, not while paused', () => {
    const { a, sent, advance } = alerts();
    a.observe([], { usable: 0, total: 2, paused: false }); // start-up baseline: the window shows it
    expect(sent).toEqual([]);
    a.observe([], { usable: 1, total: 2, paused: false });
    a.observe([], { usable: 0, total: 2, paused: false });
    expect(sent.map((s) => s.title)).toEqual(['No account can serve requests']);
    a.observe([], { usable: 0, total: 2, paused: false });
    a.observe([], { usable: 1, total: 2, paused: false });
    a.observe([], { usable: 0, total: 2, paused: false }); // flapping inside ten minutes
    expect(sent).toHaveLength(1);
    advance(10 * 60_000);
    a.observe([], { usable: 1, total: 2, paused: false });
    a.observe([], { usable: 0, total: 2, paused: true });
    expect(sent).toHaveLength(1);
    a.observe([], { usable: 1, total: 2, paused: false });
    a.observe([], { usable: 0, total: 0, paused: false }); // the last account was removed: not an outage
    expect(sent).toHaveLength(1);
    a.observe([], { usable: 1, total: 1, paused: false });
    a.observe([], { usable: 0, total: 1, paused: false });
    expect(sent).toHaveLength(2);
  });
});

describe('launch at login', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-tray-login-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const deps = (platform: NodeJS.Platform, isPackaged = true) => ({
    platform,
    isPackaged,
    setLoginItemSettings: vi.fn(),
    executable: '/opt/Orchids Tray/orchids-tray',
    autostartDir: path.join(dir, 'autostart'),
    log: vi.fn(),
  });

  it('Linux: writes and removes an XDG autostart entry that starts hidden', () => {
    const d = deps('linux');
    expect(applyLaunchAtLogin(true, d)).toBe('applied');
    const file = path.join(dir, 'autostart', AUTOSTART_FILE);
    const entry = fs.readFileSync(file, 'utf8');
    expect(entry).toContain('[Desktop Entry]');
    expect(entry).toContain(`Exec="/opt/Orchids Tray/orchids-tray" ${HIDDEN_ARG}`);
    applyLaunchAtLogin(false, d);
    expect(fs.existsSync(file)).toBe(false);
    expect(d.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('Windows and macOS use the login item API; Windows starts hidden by argument', () => {
    const win = deps('win32');
    applyLaunchAtLogin(true, win);
    expect(win.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, args: [HIDDEN_ARG] });
    const mac = deps('darwin');
    applyLaunchAtLogin(false, mac);
    expect(mac.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: false });
  });

  it('a development run only stores the setting', () => {
    const d = deps('darwin', false);
    expect(applyLaunchAtLogin(true, d)).toBe('skipped');
    expect(d.setLoginItemSettings).not.toHaveBeenCalled();
    expect(d.log).toHaveBeenCalledWith(expect.stringMatching(/takes effect in the installed app/));
  });

  it('quotes Exec arguments the way the desktop entry spec wants', () => {
    expect(execArg('/usr/bin/orchids-tray')).toBe('/usr/bin/orchids-tray');
    expect(execArg('/home/a b/Orchids.AppImage')).toBe('"/home/a b/Orchids.AppImage"');
    expect(execArg('/x/$HOME"`\\100%')).toBe('"/x/\\\\$HOME\\\\"\\\\`\\\\\\\\100%%"');
    expect(autostartEntry('/a')).toMatch(/^Exec=\/a --hidden$/m);
  });
});

describe('the Electron build of better-sqlite3', () => {
  const base = {
    resourcesPath: '/opt/app/resources',
    appPath: '/src/orchids-tray',
    platform: 'linux' as const,
    arch: 'x64',
    env: {},
  };

  it('development: build/electron-sqlite/<platform>-<arch>; installed: resources/native', () => {
    expect(electronSqliteBinding({ ...base, isPackaged: false, exists: () => true })).toEqual({
      file: path.join('/src/orchids-tray', 'build', 'electron-sqlite', 'linux-x64', 'better_sqlite3.node'),
    });
    expect(electronSqliteBinding({ ...base, isPackaged: true, exists: () => true })).toEqual({
      file: path.join('/opt/app/resources', 'native', 'better_sqlite3.node'),
    });
    expect(
      electronSqliteBinding({
        ...base,
        isPackaged: true,
        env: { ORCHIDS_TRAY_SQLITE_BINDING: '/custom/b.node' },
        exists: () => true,
      }),
    ).toEqual({
      file: path.resolve('/custom/b.node'),
    });
  });

  it('a missing build says how to make it', () => {
    const missing = electronSqliteBinding({ ...base, isPackaged: false, exists: () => false });
    expect(missing).toMatchObject({ hint: expect.stringMatching(/rebuild-electron-sqlite\.mjs/) });
    expect(electronSqliteBinding({ ...base, isPackaged: true, exists: () => false })).toMatchObject({
      hint: expect.stringMatching(/reinstall/),
    });
  });
});
