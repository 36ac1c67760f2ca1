import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, readEnvConfig } from '../../main/core/config';
import { tempDir } from '../helpers/temp-dir';

/**
 * Every on/off environment variable takes the words the settings' variables take (`1`, `true`, `yes`, `on`, and
 * their opposites), and refuses any other by name: `ORCHIDS_TRAY_HEADLESS=true` once started the desktop app, and
 * `ORCHIDS_TRAY_ALLOW_REMOTE=on` kept loopback, each without a word.
 */
const START = path.resolve(__dirname, '../../scripts/start.mjs');

const allowRemote = (word: string): boolean =>
  readEnvConfig({ ORCHIDS_TRAY_ALLOW_REMOTE: word, ORCHIDS_TRAY_DATA_DIR: tempDir() }).allowNonLoopback;

/** `npm start`'s first line (which app runs, and why) or its refusal; the build after that line is not waited for. */
function startFirstWords(headless: string): Promise<{ line: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [START], {
      env: { ...process.env, ORCHIDS_TRAY_HEADLESS: headless, npm_execpath: '' },
      // Its own process group, so the build it starts after the first line ends with it.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let refusal = '';
    // The mode line is on stdout; the build after it is stopped there. A refusal, on stderr, ends the script alone.
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('\n') || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (refusal += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ line: (output || refusal).split('\n')[0]!, code }));
  });
}

describe('on/off environment variables', () => {
  it('ORCHIDS_TRAY_ALLOW_REMOTE takes every on and off word, and refuses another by name', () => {
    for (const word of ['1', 'true', 'Yes', 'on', ' ON ']) expect(allowRemote(word), word).toBe(true);
    for (const word of ['', '0', 'false', 'no', 'off']) expect(allowRemote(word), word).toBe(false);
    expect(() => allowRemote('sure')).toThrow(ConfigError);
    expect(() => allowRemote('sure')).toThrow('ORCHIDS_TRAY_ALLOW_REMOTE is "sure": use 1 (or true, yes, on)');
  });

  it('ORCHIDS_TRAY_HEADLESS=true runs headless and says why; an unclear word stops npm start', async () => {
    await expect(startFirstWords('true')).resolves.toMatchObject({
      line: 'Running headless: ORCHIDS_TRAY_HEADLESS=true is set.',
    });
    await expect(startFirstWords('maybe')).resolves.toEqual({
      line: 'ORCHIDS_TRAY_HEADLESS is "maybe": use 1 (or true, yes, on) or 0 (false, no, off).',
      code: 2,
    });
  });
});
