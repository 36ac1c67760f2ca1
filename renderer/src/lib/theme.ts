import { useCallback, useEffect, useState } from 'react';
import { readStored, writeStored } from './local-store';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'orchids-tray-theme';

export function storedTheme(): ThemeChoice {
  const value = readStored(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

/** `data-theme` on <html> overrides prefers-color-scheme; "system" removes it. Called before the first render too. */
export function applyTheme(choice: ThemeChoice): void {
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

export function useTheme(): { theme: ThemeChoice; setTheme: (choice: ThemeChoice) => void } {
  const [theme, setState] = useState<ThemeChoice>(storedTheme);
  useEffect(() => applyTheme(theme), [theme]);
  const setTheme = useCallback((choice: ThemeChoice) => {
    writeStored(KEY, choice === 'system' ? undefined : choice);
    setState(choice);
  }, []);
  return { theme, setTheme };
}
