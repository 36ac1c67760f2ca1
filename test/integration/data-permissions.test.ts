import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OrchidsCore } from '../../main/core/core';
import { secureDataDir } from '../../main/core/util/paths';
import { tempDir } from '../helpers/temp-dir';
import { escapeRegExp } from '../helpers/regexp';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const mode = (file: string): number => fs.statSync(file).mode & 0o777;

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? [full, ...walk(full)] : [full];
  });
}

async function runCore(dataDir: string, logs: string[]): Promise<void> {
  const core = new OrchidsCore({ env: {}, config: { dataDir }, port: 0, log: (line) => logs.push(line) });
  await core.start();
  core.settings.set('debugLogs', true); // a write, so the WAL exists
  await core.stop(0);
}

describe.runIf(process.platform !== 'win32')('the data folder is private to the user', () => {
  it('a fresh folder: 0700, and the database with its WAL and shared-memory files 0600', async () => {
    const parent = tempDir();
    dirs.push(parent);
    const dataDir = path.join(parent, 'Orchids Tray');
    const logs: string[] = [];
    const previous = process.umask(0o022); // a common default: files 0644, folders 0755
    try {
      await runCore(dataDir, logs);
      const core = new OrchidsCore({ env: {}, config: { dataDir }, port: 0, log: () => {} });
      core.settings.set('debugLogs', false); // with the database open, so -wal and -shm exist
      expect(mode(dataDir)).toBe(0o700);
      for (const name of ['orchids-tray.db', 'orchids-tray.db-wal', 'orchids-tray.db-shm', 'secret.key']) {
        expect(mode(path.join(dataDir, name)), name).toBe(0o600);
      }
      await core.stop(0);
    } finally {
      process.umask(previous);
    }
    expect(logs.filter((line) => /private/.test(line))).toEqual([]); // nothing to tighten, nothing said
  });

  it('an older install with a 0755 folder and 0644 files is tightened at start, with one line saying so', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    await runCore(dataDir, []);
    fs.mkdirSync(path.join(dataDir, 'debug-logs'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'debug-logs', 'old-record.json'), '{}');
    const entries = walk(dataDir);
    fs.chmodSync(dataDir, 0o755);
    for (const entry of entries) fs.chmodSync(entry, fs.statSync(entry).isDirectory() ? 0o755 : 0o644);

    const logs: string[] = [];
    const core = new OrchidsCore({ env: {}, config: { dataDir }, port: 0, log: (line) => logs.push(line) });
    await core.start();
    await core.stop(0);
    expect(mode(dataDir)).toBe(0o700);
    for (const entry of walk(dataDir)) {
      expect(mode(entry) & 0o077, entry).toBe(0);
      if (!fs.statSync(entry).isDirectory()) expect(mode(entry), entry).toBe(0o600);
    }
    const said = logs.filter((line) => /private/.test(line));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(new RegExp(`Made ${escapeRegExp(dataDir)} private: \\d+ files and folders`));
  });

  it('counts one open entry in the singular', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    fs.chmodSync(dataDir, 0o755);
    const logs: string[] = [];
    const core = new OrchidsCore({ env: {}, config: { dataDir }, port: 0, log: (line) => logs.push(line) });
    await core.start();
    await core.stop(0);
    expect(logs.filter((line) => /private/.test(line))).toEqual([
      `[data] Made ${dataDir} private: 1 file or folder was open to other users (now 0700 folders, 0600 files).`,
    ]);
  });

  it('leaves symbolic links and their targets alone', () => {
    const dataDir = tempDir();
    const outside = tempDir();
    dirs.push(dataDir, outside);
    const target = path.join(outside, 'shared.txt');
    fs.writeFileSync(target, 'not ours', { mode: 0o644 });
    fs.chmodSync(target, 0o644);
    fs.symlinkSync(target, path.join(dataDir, 'link'));
    secureDataDir(dataDir);
    expect(mode(target)).toBe(0o644);
  });
});
