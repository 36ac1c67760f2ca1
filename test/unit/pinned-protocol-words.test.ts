import { describe, expect, it } from 'vitest';
import { pinnedMismatchWords, withPinnedMismatch, type PinnedMismatch } from '../../contract/pinned-protocol';
import { servingWords, type Serving } from '../../contract/serving';

const pin: PinnedMismatch = { protocol: 'ws', at: 0, fromEnv: false };
const serving = (state: Serving['state']): Serving => ({ state, ready: 1, enabled: 1, total: 1, until: null, out: {} });

describe('pinned protocol words', () => {
  it('names the protocol, the trouble and, for the window, the button', () => {
    expect(pinnedMismatchWords(pin)).toEqual({
      short: 'ws not answering',
      detail: 'The upstream protocol is pinned to ws, and Orchids does not answer on it here, so every request fails.',
      way: 'Use auto to let Orchids Tray find the protocol the service speaks.',
    });
  });

  it('gives the command line a command, and sends an environment pin back to the environment', () => {
    expect(pinnedMismatchWords({ ...pin, protocol: 'sse-a' }, 'cli', 'linux').way).toContain(
      ': npm run cli -- settings set upstreamProtocol auto',
    );
    // On Windows the app's platform quotes the -- (contract/cli-command.ts), which an old npm.ps1 would drop.
    expect(pinnedMismatchWords({ ...pin, protocol: 'sse-a' }, 'cli', 'win32').way).toContain(
      ': npm run cli "--" settings set upstreamProtocol auto',
    );
    const env = { ...pin, fromEnv: true };
    for (const reader of ['window', 'cli'] as const) {
      expect(pinnedMismatchWords(env, reader).way).toBe(
        'ORCHIDS_TRAY_UPSTREAM_PROTOCOL pins it: set it to auto (or remove it) and restart Orchids Tray.',
      );
    }
  });

  it('turns "Running" into a warning that says what is not answering', () => {
    const running = servingWords(serving('serving'));
    expect(withPinnedMismatch(running, pin)).toEqual({
      headline: 'Running · ws not answering',
      detail: running.detail,
      tone: 'warn',
    });
    expect(withPinnedMismatch(running, null)).toBe(running);
  });

  it('leaves states that already say something is wrong as they are', () => {
    for (const state of ['paused', 'stopped', 'no_accounts', 'signed_out'] as const) {
      const words = servingWords(serving(state));
      expect(withPinnedMismatch(words, pin)).toBe(words);
    }
  });
});
