import { useId } from 'react';
import { BusyButton } from './BusyButton';

interface SwitchProps {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  /**
   * A change is on its way: the switch ignores presses but keeps keyboard focus (a disabled button would drop it to
   * the page, and the next Space would go nowhere).
   */
  busy?: boolean;
  /** Visually hide the label (it still names the control), e.g. inside a table row that already says what it is. */
  hideLabel?: boolean;
  description?: string;
}

/** An on/off control: a real button with role="switch", so Space and Enter toggle it and it is announced as such. */
export function Switch({ label, checked, onChange, disabled, busy, hideLabel, description }: SwitchProps) {
  const labelId = useId();
  const descriptionId = useId();
  return (
    <span className="switch-wrap">
      <BusyButton
        role="switch"
        aria-checked={checked}
        aria-labelledby={labelId}
        aria-describedby={description ? descriptionId : undefined}
        className="switch"
        disabled={disabled}
        busy={Boolean(busy)}
        onClick={() => onChange(!checked)}
      >
        <span className="switch-thumb" aria-hidden="true" />
      </BusyButton>
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
