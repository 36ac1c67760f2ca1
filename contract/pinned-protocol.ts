/**
 * A pinned upstream protocol the service does not speak: every request fails, while every account still looks
 * ready. The words for it live here once, so the window, the tray and the CLI say the same thing.
 */
import { cliCommand } from './cli-command';
import type { ServingWords } from './serving';
import type { UpstreamProtocolName } from './views';

export interface PinnedMismatch {
  /** The protocol `upstreamProtocol` pins. */
  protocol: UpstreamProtocolName;
  /** When a request last met a wrong-protocol answer on it (ms since the epoch). */
  at: number;
  /** ORCHIDS_TRAY_UPSTREAM_PROTOCOL pins it, so changing the setting here would not unpin it. */
  fromEnv: boolean;
}

export interface PinnedMismatchWords {
  /** A few words for the bar and the tray's tooltip: "ws not answering". */
  short: string;
  /** What is going on, in one sentence. */
  detail: string;
  /** The way out: the window's "Use auto" button or the CLI's command, or what to change in the environment. */
  way: string;
}

/** Where the words are read: the window offers a button, the command line a command. */
export type PinnedMismatchReader = 'window' | 'cli';

export const PIN_ENV = 'ORCHIDS_TRAY_UPSTREAM_PROTOCOL';

/** `platform`: the one the app runs on, for the command line's command (cliCommand); the window's words have none. */
export function pinnedMismatchWords(
  pin: PinnedMismatch,
  reader: PinnedMismatchReader = 'window',
  platform?: string,
): PinnedMismatchWords {
  return {
    short: `${pin.protocol} not answering`,
    detail:
      `The upstream protocol is pinned to ${pin.protocol}, and Orchids does not answer on it here, ` +
      'so every request fails.',
    way: pin.fromEnv
      ? `${PIN_ENV} pins it: set it to auto (or remove it) and restart Orchids Tray.`
      : reader === 'window'
        ? 'Use auto to let Orchids Tray find the protocol the service speaks.'
        : 'Set auto to let Orchids Tray find the protocol the service speaks: ' +
          cliCommand('settings set upstreamProtocol auto', platform),
  };
}

/**
 * The serving words with the pin's trouble in them: "Running" would say all is well while every request fails, so
 * a serving proxy reads "Running · ws not answering", as a warning. Other states already say something is wrong
 * and keep their own words.
 */
export function withPinnedMismatch(words: ServingWords, pin: PinnedMismatch | null): ServingWords {
  if (!pin || words.tone !== 'good') return words;
  return { headline: `${words.headline} · ${pinnedMismatchWords(pin).short}`, detail: words.detail, tone: 'warn' };
}
