import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../main/core/db/database';
import { mapModel } from '../../main/core/orchids/model-map';
import { KeyFileSecretBox } from '../../main/core/secrets/secret-box';
import { SETTING_DEFINITIONS, SETTING_KEYS } from '../../main/core/settings/definitions';
import { SettingError, SettingsService } from '../../main/core/settings/settings-service';

const API_KEY = 'fake-api-key-XXXX-0123456789';

let dir: string;
let file: string;
let db: Db;
let box: KeyFileSecretBox;
const opened: Db[] = [];

function service(env: NodeJS.ProcessEnv = {}, on: Db = db): SettingsService {
  return new SettingsService(on, box, env, () => 1_800_000_000_000);
}
function reopen(): Db {
  const other = openDatabase(file);
  opened.push(other);
  return other;
}
function rawValue(key: string, on: Db = db): string | undefined {
  return (on.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}
function settingError(fn: () => unknown): SettingError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingError);
    return error as SettingError;
  }
  throw new Error('expected a SettingError');
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-settings-'));
  file = path.join(dir, 'tray.db');
  db = openDatabase(file);
  box = new KeyFileSecretBox(dir);
});
afterEach(() => {
  for (const other of opened.splice(0)) other.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SettingsService defaults and persistence', () => {
  it('starts from the defaults, all marked as such', () => {
    const settings = service();
    for (const key of SETTING_KEYS) expect(settings.get(key)).toEqual(SETTING_DEFINITIONS[key].default);
    expect(settings.get('port')).toBe(3002);
    expect(settings.view().every((v) => v.source === 'default')).toBe(true);
    expect(rawValue('port')).toBeUndefined();
  });

  it('a set value persists across a new instance on the same database file', () => {
    const settings = service();
    expect(settings.set('port', 4100)).toBe(4100);
    settings.set('debugLogs', true);
    settings.set('allowedOrigins', ['https://app.example.com']);

    const later = service({}, reopen());
    expect(later.get('port')).toBe(4100);
    expect(later.get('debugLogs')).toBe(true);
    expect(later.get('allowedOrigins')).toEqual(['https://app.example.com']);
    expect(later.view().find((v) => v.key === 'port')?.source).toBe('database');
  });

  it('reset forgets the stored value', () => {
    const settings = service();
    settings.set('port', 4100);
    settings.reset('port');
    expect(settings.get('port')).toBe(3002);
    expect(rawValue('port')).toBeUndefined();
  });
});

describe('SettingsService environment overrides', () => {
  it('an environment variable wins over the database, with source "environment"', () => {
    service().set('port', 4100);
    const settings = service({
      ORCHIDS_TRAY_PORT: ' 5200 ',
      ORCHIDS_TRAY_DEBUG_LOGS: 'yes',
      ORCHIDS_TRAY_ALLOWED_ORIGINS: 'https://a.example.com, https://b.example.com',
    });
    expect(settings.get('port')).toBe(5200);
    expect(settings.get('debugLogs')).toBe(true);
    expect(settings.get('allowedOrigins')).toEqual(['https://a.example.com', 'https://b.example.com']);
    const port = settings.view().find((v) => v.key === 'port')!;
    expect(port).toMatchObject({ source: 'environment', env: 'ORCHIDS_TRAY_PORT', needsRestart: true });
    // Setting still stores, but the environment keeps winning.
    expect(settings.set('port', 4200)).toBe(5200);
    expect(service().get('port')).toBe(4200);
  });

  it('an empty variable is ignored', () => {
    expect(service({ ORCHIDS_TRAY_PORT: '' }).get('port')).toBe(3002);
  });

  it.each([
    ['ORCHIDS_TRAY_PORT', 'abc'],
    ['ORCHIDS_TRAY_PORT', '70000'],
    ['ORCHIDS_TRAY_PORT', '3002abc'],
    ['ORCHIDS_TRAY_PORT', '3002.5'],
    ['ORCHIDS_TRAY_CONNECT_TIMEOUT_MS', '1e4'],
    ['ORCHIDS_TRAY_IDLE_TIMEOUT_MS', '120000ms'],
    ['ORCHIDS_TRAY_DEBUG_LOGS', 'maybe'],
    ['ORCHIDS_TRAY_ALLOWED_ORIGINS', 'not a url'],
  ])('%s=%j is refused with a SettingError naming the variable', (name, raw) => {
    const error = settingError(() => service({ [name]: raw }));
    expect(error.key).toBe(name);
    expect(error.message.startsWith(`${name}: cannot use ${JSON.stringify(raw)}`)).toBe(true);
  });

  it.each([
    // Every on/off word, as ORCHIDS_TRAY_ALLOW_REMOTE's refusal says: "true or false" hid that 1, yes and on work.
    ['ORCHIDS_TRAY_DEBUG_LOGS', 'maybe', 'use 1 (or true, yes, on) or 0 (false, no, off)'],
    ['ORCHIDS_TRAY_CREDITS_SYNC', 'enabled', 'use 1 (or true, yes, on) or 0 (false, no, off)'],
    ['ORCHIDS_TRAY_PORT', 'abc', 'expected a whole number'],
    // In the list's words, not zod's ('Invalid option: expected one of "auto"|"ws"|…').
    ['ORCHIDS_TRAY_UPSTREAM_PROTOCOL', 'grpc', 'use auto, ws, sse-b or sse-a'],
    // Not a name at all: before, the start refused it as a remote address ("would let other machines use…").
    ['ORCHIDS_TRAY_HOST', 'not_a_host!', '"not_a_host!" is not an IP address or host name, such as 127.0.0.1'],
    ['ORCHIDS_TRAY_HOST', 'box.lan:3002', '"box.lan:3002" is not an IP address or host name, such as 127.0.0.1'],
  ])('%s=%j says which values work: %s', (name, raw, wanted) => {
    expect(settingError(() => service({ [name]: raw })).message).toBe(
      `${name}: cannot use ${JSON.stringify(raw)}: ${wanted}`,
    );
  });

  it.each([
    ['1', true],
    ['TRUE', true],
    ['on', true],
    ['0', false],
    ['false', false],
    ['Off', false],
    ['no', false],
  ])('ORCHIDS_TRAY_DEBUG_LOGS=%j reads as %s', (raw, expected) => {
    expect(service({ ORCHIDS_TRAY_DEBUG_LOGS: raw }).get('debugLogs')).toBe(expected);
  });
});

describe('SettingsService.set validation', () => {
  it.each([
    ['port', -1],
    ['port', 65536],
    ['port', 3002.5],
    ['port', '3002'],
    ['debugLogs', 'true'],
    ['connectTimeoutMs', 10],
    ['allowedOrigins', ['not a url']],
    ['modelMap', { 'claude-opus-4-6': '' }],
    ['modelMap', ['not', 'a', 'map']],
  ] as const)('set(%s, %j) throws a SettingError and stores nothing', (key, value) => {
    const settings = service();
    const before = settings.get(key);
    const error = settingError(() => settings.set(key, value));
    expect(error.key).toBe(key);
    expect(error.message.startsWith(`${key}: `)).toBe(true);
    expect(settings.get(key)).toEqual(before);
    expect(rawValue(key)).toBeUndefined();
  });

  it('a list entry that is not a URL is named, with what one looks like', () => {
    const error = settingError(() => service().set('allowedOrigins', ['https://a.example.com', 'not a url']));
    expect(error.message).toBe('allowedOrigins: "not a url" is not a URL such as https://app.example.test');
  });

  it('a host name that is not one is named, with what one looks like', () => {
    const error = settingError(() => service().set('allowedHosts', ['box.lan', 'box.lan:8080']));
    expect(error.message).toBe('allowedHosts: "box.lan:8080" is not a host name without a port, such as mybox.lan');
  });

  it.each(['127.0.0.1', 'localhost', '::1', '[::1]', 'fe80::1%eth0', '0.0.0.0', 'my-box.lan', 'build_box'])(
    'host %j is an address or a name the server can listen on',
    (host) => {
      const settings = service();
      settings.set('host', host);
      expect(settings.get('host')).toBe(host);
    },
  );

  it('a list entry too long is named by its place and its start, as a wrong-looking one is', () => {
    const long = `${'a'.repeat(250)}.lan`;
    const hosts = settingError(() => service().set('allowedHosts', ['box.lan', long]));
    expect(hosts.message).toBe(
      `allowedHosts: entry 2, "${'a'.repeat(40)}…" (254 characters), must be at most 253 characters`,
    );
    const url = `https://${'b'.repeat(510)}.test`;
    const origins = settingError(() => service().set('allowedOrigins', [url]));
    expect(origins.message).toBe(
      `allowedOrigins: entry 1, "https://${'b'.repeat(32)}…" (523 characters), must be at most 512 characters`,
    );
  });

  it('an unknown key is a SettingError', () => {
    const error = settingError(() => service().set('nope' as never, 1));
    expect(error.message).toBe('nope: no such setting');
  });
});

describe('SettingsService secrets, change events and stored data', () => {
  it('the API key is sealed at rest and read back', () => {
    service().set('apiKey', API_KEY);
    const raw = rawValue('apiKey')!;
    expect(raw).not.toContain(API_KEY);
    expect(raw).not.toContain('0123456789');
    expect(JSON.parse(raw)).toMatch(/^otk1:/);
    expect(service({}, reopen()).get('apiKey')).toBe(API_KEY);
  });

  it('onChange fires once per changed key and not for unchanged ones', () => {
    const settings = service();
    const listener = vi.fn();
    const off = settings.onChange(listener);
    settings.set('port', 4100);
    expect(listener.mock.calls).toEqual([['port', 4100]]);
    settings.set('port', 4100);
    settings.reload();
    expect(listener).toHaveBeenCalledTimes(1);
    service().set('debugLogs', true); // another instance writes; ours notices on reload
    settings.reload();
    expect(listener.mock.calls).toEqual([
      ['port', 4100],
      ['debugLogs', true],
    ]);
    settings.reset('port');
    expect(listener.mock.calls.at(-1)).toEqual(['port', 3002]);
    off();
    settings.set('port', 4300);
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it('the model map is stored with normalised keys', () => {
    const settings = service();
    settings.set('modelMap', { 'Claude-Opus-4.6': 'claude-opus-4-6', 'claude-sonnet-*': 'claude-sonnet-4-6' });
    const map = settings.get('modelMap');
    expect(Object.keys(map).sort()).toEqual(['claude-opus-4-6', 'claude-sonnet-*']);
    expect(JSON.parse(rawValue('modelMap')!)).toEqual(map);
    const later = service({}, reopen()).get('modelMap');
    expect(mapModel('claude-opus-4-6', later)).toBe('claude-opus-4-6');
    expect(mapModel('Claude-Opus-4.6', later)).toBe('claude-opus-4-6');
  });

  it('a corrupted stored value falls back to the default', () => {
    const insert = db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, 0)');
    insert.run('port', '{not json');
    insert.run('debugLogs', '"yes"');
    insert.run('connectTimeoutMs', '5');
    insert.run('apiKey', JSON.stringify('otk1:damaged'));
    insert.run('modelMap', '{"a b": "c"}');
    const settings = service();
    expect(settings.get('port')).toBe(3002);
    expect(settings.get('debugLogs')).toBe(false);
    expect(settings.get('connectTimeoutMs')).toBe(10_000);
    expect(settings.get('apiKey')).toBe('');
    expect(settings.get('modelMap')).toEqual(SETTING_DEFINITIONS.modelMap.default);
    expect(settings.view().every((v) => v.source === 'default')).toBe(true);
  });
});
