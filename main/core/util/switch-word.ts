/**
 * The words an on/off environment variable or setting takes, the same everywhere: `1`, `true`, `yes`, `on` and
 * `0`, `false`, `no`, `off`, in any case. Undefined for any other word, which each caller refuses by name rather than
 * reading it as off (`ORCHIDS_TRAY_ALLOW_REMOTE=on` once silently meant off).
 */
export function switchWord(raw: string): boolean | undefined {
  const word = raw.trim();
  if (/^(1|true|yes|on)$/i.test(word)) return true;
  if (/^(0|false|no|off)$/i.test(word)) return false;
  return undefined;
}

/** How a refusal of another word says which ones work, the same for every on/off variable. */
export const SWITCH_WORDS_HINT = 'use 1 (or true, yes, on) or 0 (false, no, off)';
