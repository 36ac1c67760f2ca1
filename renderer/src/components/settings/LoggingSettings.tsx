import { useLive } from '../../lib/live';
import { Card } from '../ViewHeader';
import type { SettingsGroupProps } from './ServerSettings';
import { SwitchSetting } from './SwitchSetting';
import { ValueSetting } from './ValueSetting';

/** Debug records and request history: what is kept, and for how long. */
export function LoggingSettings({ settings, ...common }: SettingsGroupProps) {
  const { status } = useLive();
  const { save } = common;
  return (
    <>
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
        <ValueSetting
          {...common}
          view={settings.logRetentionCount!}
          label="Debug records to keep"
          kind="integer"
          min={1}
          max={100_000}
          unit="records"
        />
        <ValueSetting
          {...common}
          view={settings.logRetentionMb!}
          label="Debug log size limit"
          kind="integer"
          min={1}
          max={100_000}
          unit="MB"
        />
        <ValueSetting
          {...common}
          view={settings.logRetentionDays!}
          label="Debug log age limit"
          kind="integer"
          min={1}
          max={3650}
          unit="days"
        />
        <p className="hint">The oldest records go first when any limit is reached.</p>
      </Card>

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
    </>
  );
}
