import { useState } from 'react';
import type { SettingView } from '../../lib/api';
import { Switch } from '../Switch';
import { EnvLock, SaveStatus, type SaveState } from './SettingParts';

interface SwitchSettingProps {
  view: SettingView;
  label: string;
  description: string;
  /** Why it cannot be changed here, when it cannot (e.g. launch at login in headless mode). */
  unavailable?: string;
  save: (key: string, value: unknown) => Promise<void>;
}

export function SwitchSetting({ view, label, description, unavailable, save }: SwitchSettingProps) {
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const locked = view.source === 'environment';
  const onChange = async (value: boolean): Promise<void> => {
    setState({ kind: 'saving' });
    try {
      await save(view.key, value);
      setState({ kind: 'saved', note: value ? `${label} is on` : `${label} is off` });
    } catch (error) {
      setState({ kind: 'error', message: (error as Error).message });
    }
  };
  return (
    <div className="setting">
      <div className="setting-control">
        <Switch
          label={label}
          checked={view.value === true}
          disabled={locked || Boolean(unavailable) || state.kind === 'saving'}
          onChange={(value) => void onChange(value)}
          description={unavailable ?? description}
        />
      </div>
      <EnvLock view={view} />
      <SaveStatus state={state} />
    </div>
  );
}
