import type { SettingView } from '../../lib/api';
import { Switch } from '../Switch';
import { EnvLock, SaveStatus, useSaver } from './SettingParts';

interface SwitchSettingProps {
  view: SettingView;
  label: string;
  description: string;
  /** Why it cannot be changed here, when it cannot (e.g. launch at login in headless mode). */
  unavailable?: string;
  save: (key: string, value: unknown) => Promise<void>;
}

export function SwitchSetting({ view, label, description, unavailable, save }: SwitchSettingProps) {
  const { state, run } = useSaver();
  const locked = view.source === 'environment';
  const onChange = (value: boolean): Promise<boolean> =>
    run(() => save(view.key, value), value ? `${label} is on` : `${label} is off`);
  return (
    <div className="setting">
      <div className="setting-control">
        <Switch
          label={label}
          checked={view.value === true}
          disabled={locked || Boolean(unavailable)}
          busy={state.kind === 'saving'}
          onChange={(value) => void onChange(value)}
          description={unavailable ?? description}
        />
      </div>
      <EnvLock view={view} />
      <SaveStatus state={state} />
    </div>
  );
}
