/**
 * The window's own small preferences (theme, the setup card's tab) in localStorage. Storage can be off (private
 * mode, a locked-down profile): reading then finds nothing and writing is skipped, so a choice holds only while the
 * window is open instead of breaking it.
 */
export function readStored(key: string): string | undefined {
  try {
    return localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Stores `value`, or forgets the key when it is undefined. */
export function writeStored(key: string, value: string | undefined): void {
  try {
    if (value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage off: see above.
  }
}
