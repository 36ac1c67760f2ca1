import type { SettingsByKey } from '../../lib/useSettings';
import { Card } from '../ViewHeader';
import { ValueSetting } from './ValueSetting';

export interface SettingsGroupProps {
  settings: SettingsByKey;
  save: (key: string, value: unknown) => Promise<void>;
  reset: (key: string) => Promise<void>;
}

/** Where the proxy listens and who may reach it. */
export function ServerSettings({ settings, ...common }: SettingsGroupProps) {
  return (
    <Card title="Server">
      <ValueSetting
        {...common}
        view={settings.host!}
        label="Host"
        kind="text"
        hint={
          'The address the proxy listens on. Keep 127.0.0.1 unless other machines must reach it: any other address ' +
          'also needs ORCHIDS_TRAY_ALLOW_REMOTE=1 and an API key, or the next start stops.'
        }
      />
      <ValueSetting
        {...common}
        view={settings.port!}
        label="Port"
        kind="integer"
        min={0}
        max={65535}
        hint={
          '0 lets the system pick a free port at each start: the Overview shows the one in use, and clients must ' +
          'be pointed at it again after every restart.'
        }
      />
      <ValueSetting
        {...common}
        view={settings.requestBodyBudgetMb!}
        label="Request body budget"
        kind="integer"
        min={16}
        max={65_536}
        unit="MB"
        hint="Request bodies held at once, across all requests. Past it, clients are told to retry shortly."
      />
      <ValueSetting
        {...common}
        view={settings.allowedOrigins!}
        label="Allowed web origins"
        kind="list"
        placeholder="none"
        hint={
          'Web pages allowed to call the API, comma-separated (https://app.example.test). ' +
          'Pages from any other origin are refused.'
        }
      />
      <ValueSetting
        {...common}
        view={settings.allowedHosts!}
        label="Host names for remote clients"
        kind="list"
        placeholder="none"
        hint={
          'Remote mode only: names other machines use to reach this one (mybox.lan), ' +
          "comma-separated. The machine's own addresses are always accepted."
        }
      />
    </Card>
  );
}
