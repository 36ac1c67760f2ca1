import { useTheme, type ThemeChoice } from '../lib/theme';

const CHOICES: Array<{ value: ThemeChoice; label: string }> = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Follows the OS by default; a choice here overrides it and is kept in localStorage. */
export function ThemeSwitcher() {
  const { theme, setTheme } = useTheme();
  return (
    <div className="segmented" role="group" aria-label="Theme">
      {CHOICES.map((choice) => (
        <button
          key={choice.value}
          type="button"
          className="segment"
          aria-pressed={theme === choice.value}
          aria-label={`${choice.label} theme`}
          onClick={() => setTheme(choice.value)}
        >
          {choice.label}
        </button>
      ))}
    </div>
  );
}
