import type { ReactNode } from 'react';
import { useTheme, type ThemeChoice } from '../lib/theme';
import { DarkThemeIcon, LightThemeIcon, SystemThemeIcon } from './Icons';

const CHOICES: Array<{ value: ThemeChoice; label: string; icon: () => ReactNode }> = [
  { value: 'system', label: 'System', icon: SystemThemeIcon },
  { value: 'light', label: 'Light', icon: LightThemeIcon },
  { value: 'dark', label: 'Dark', icon: DarkThemeIcon },
];

/**
 * Follows the OS by default; a choice here overrides it and is kept in localStorage. A narrow window shows only the
 * icons (the word stays in the accessible name and the tooltip).
 */
export function ThemeSwitcher() {
  const { theme, setTheme } = useTheme();
  return (
    <div className="segmented theme-switcher" role="group" aria-label="Theme">
      {CHOICES.map(({ value, label, icon: ChoiceIcon }) => (
        <button
          key={value}
          type="button"
          className="segment"
          aria-pressed={theme === value}
          aria-label={`${label} theme`}
          title={`${label} theme`}
          onClick={() => setTheme(value)}
        >
          <ChoiceIcon />
          <span className="segment-label">{label}</span>
        </button>
      ))}
    </div>
  );
}
