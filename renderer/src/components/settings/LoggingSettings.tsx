import { useLive } from '../../lib/live';
import { Card } from '../ViewHeader';
import type { SettingsGroupProps } from './ServerSettings';
import { SwitchSetting } from './SwitchSetting';
import { ValueSetting } from './ValueSetting';

/** Any one of these reached, the oldest debug records go; bounds as the core's (settings/definitions.ts). */
const RETENTION_LIMITS = [
  { key: 'logRetentionCount', label: 'Debug records to keep', max: 100_000, unit: 'records' },
  { key: 'logRetentionMb', label: 'Debug log size limit', max: 100_000, unit: 'MB' },
  { key: 'logRetentionDays', label: 'Debug log age limit', max: 3650, unit: 'days' },
] as const;

/** Debug records: whether they are kept, and how many, how large, how old at most. */
export function DebugLogSettings({ settings, ...common }: SettingsGroupProps) {
  const { status } = useLive();
  const { save } = common;
  return (
    <Card title="Debug logging">
      <SwitchSetting
        view={settings.debugLogs!}
        label="Debug logging"
        description={
          "Keeps each request's full record (headers with secrets removed, bodies, upstream and client events)" +
          `${status ? ` in ${status.debugLogs.dir}` : ''}. Open one from Logs.`
        }
        save={save}
      />
      <h3 className="subheading">Keep debug records</h3>
      {RETENTION_LIMITS.map((limit) => (
        <ValueSetting
          {...common}
          key={limit.key}
          view={settings[limit.key]!}
          label={limit.label}
          kind="integer"
          min={1}
          max={limit.max}
          unit={limit.unit}
        />
      ))}
      <p className="hint">The oldest records go first when any limit is reached.</p>
    </Card>
  );
}

/** Request history: how long it is kept. */
export function HistorySettings({ settings, ...common }: SettingsGroupProps) {
  return (
    <Card title="History">
      <ValueSetting
        {...common}
        view={settings.historyRetentionDays!}
        label="Request history age limit"
        kind="integer"
        min={1}
        max={3650}
        unit="days"
        hint="The Logs list and today's totals come from this history."
      />
    </Card>
  );
}
