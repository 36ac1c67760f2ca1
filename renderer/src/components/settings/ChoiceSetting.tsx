import { useId } from 'react';
import type { SettingView } from '../../lib/api';
import { EnvLock, SaveStatus, useSaver, valueText } from './SettingParts';

export interface Choice {
  value: string;
  label: string;
}

interface ChoiceSettingProps {
  view: SettingView;
  label: string;
  choices: readonly Choice[];
  hint?: string;
  save: (key: string, value: unknown) => Promise<void>;
}

/** One setting with a fixed set of values: a select that saves as soon as it changes. */
export function ChoiceSetting({ view, label, choices, hint, save }: ChoiceSettingProps) {
  const { state, run } = useSaver();
  const ids = { select: useId(), hint: useId(), status: useId() };
  const locked = view.source === 'environment';
  const onChange = (value: string): Promise<boolean> =>
    run(() => save(view.key, value), `${label}: ${choices.find((c) => c.value === value)?.label ?? value}`);
  return (
    <div className="setting">
      <label className="setting-label" htmlFor={ids.select}>
        {label}
      </label>
      <div className="setting-control">
        <select
          id={ids.select}
          className="input-text"
          value={valueText(view.value)}
          disabled={locked}
          // Busy, not disabled, while a change saves: a disabled select drops keyboard focus to the page. A change
          // made meanwhile is ignored (the select is controlled, so it shows the stored value again).
          aria-busy={state.kind === 'saving' || undefined}
          aria-describedby={`${hint ? ids.hint : ''} ${ids.status}`.trim()}
          onChange={(event) => {
            if (state.kind !== 'saving') void onChange(event.target.value);
          }}
        >
          {choices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      </div>
      {hint ? (
        <p id={ids.hint} className="hint">
          {hint}
        </p>
      ) : null}
      <EnvLock view={view} />
      <SaveStatus state={state} id={ids.status} />
    </div>
  );
}
