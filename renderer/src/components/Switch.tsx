import { useId } from 'react';

interface SwitchProps {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  /** Visually hide the label (it still names the control), e.g. inside a table row that already says what it is. */
  hideLabel?: boolean;
  description?: string;
}

/** An on/off control: a real button with role="switch", so Space and Enter toggle it and it is announced as such. */
export function Switch({ label, checked, onChange, disabled, hideLabel, description }: SwitchProps) {
  const labelId = useId();
  const descriptionId = useId();
  return (
    <span className="switch-wrap">
      <button
        type="button"
        role="switch"
        aria-checked={checked}
        aria-labelledby={labelId}
        aria-describedby={description ? descriptionId : undefined}
        className="switch"
        disabled={disabled}
        onClick={() => onChange(!checked)}
      >
        <span className="switch-thumb" aria-hidden="true" />
      </button>
      <span id={labelId} className={hideLabel ? 'visually-hidden' : 'switch-label'}>
        {label}
      </span>
      {description ? (
        <span id={descriptionId} className="hint">
          {description}
        </span>
      ) : null}
    </span>
  );
}
