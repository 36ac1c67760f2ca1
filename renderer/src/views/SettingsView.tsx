import { ApiKeySetting } from '../components/settings/ApiKeySetting';
import { ChoiceSetting } from '../components/settings/ChoiceSetting';
import { InstallTokenSetting } from '../components/settings/InstallTokenSetting';
import { ModelMapEditor } from '../components/settings/ModelMapEditor';
import { SwitchSetting } from '../components/settings/SwitchSetting';
import { ValueSetting } from '../components/settings/ValueSetting';
import { Card, ErrorNote, ViewHeader } from '../components/ViewHeader';
import { formatDuration } from '../lib/format';
import { useLive } from '../lib/live';
import { useSettings } from '../lib/useSettings';

const seconds = (ms: number): string => formatDuration(ms);

const PROTOCOL_CHOICES = [
  { value: 'auto', label: 'Automatic (WebSocket, then SSE B, then SSE A)' },
  { value: 'ws', label: 'Generation B over WebSocket (ws)' },
  { value: 'sse-b', label: 'Generation B over SSE (sse-b)' },
  { value: 'sse-a', label: 'Generation A over SSE (sse-a)' },
] as const;

const THINKING_CHOICES = [
  { value: 'auto', label: 'Follow each request' },
  { value: 'enabled', label: 'Always on' },
  { value: 'disabled', label: 'Always off' },
] as const;

export function SettingsView() {
  const { status } = useLive();
  const { settings, error, save, reset, generateApiKey } = useSettings();
  const common = { save, reset };

  return (
    <>
      <ViewHeader
        title="Settings"
        subtitle={
          'Changes apply at once unless a setting says it needs a restart. ' +
          'Settings fixed by environment variables are read-only here.'
        }
      />
      <ErrorNote>{error}</ErrorNote>
      {!settings ? (
        <p className="muted" aria-busy="true">
          Loading settings…
        </p>
      ) : (
        <div className="grid grid-settings">
          <Card title="Server">
            <ValueSetting
              {...common}
              view={settings.host!}
              label="Host"
              kind="text"
              hint="The address the proxy listens on. Keep 127.0.0.1 unless other machines must reach it."
            />
            <ValueSetting {...common} view={settings.port!} label="Port" kind="integer" min={1} max={65535} />
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

          <Card title="API key">
            <ApiKeySetting view={settings.apiKey!} generate={generateApiKey} save={save} />
          </Card>

          <Card title="Install token">
            <InstallTokenSetting />
          </Card>

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

          <Card title="Upstream">
            <ChoiceSetting
              view={settings.upstreamProtocol!}
              label="Protocol"
              choices={PROTOCOL_CHOICES}
              save={save}
              hint={
                'How Orchids Tray talks to Orchids. Automatic finds out per account and remembers what worked; ' +
                'pin one only if you know the service changed.'
              }
            />
            <ChoiceSetting
              view={settings.thinkingMode!}
              label="Thinking (Generation B)"
              choices={THINKING_CHOICES}
              save={save}
              hint={
                "Generation B's thinking switch. " +
                'Following the request turns it off only when the client turns thinking off.'
              }
            />
            <ValueSetting
              {...common}
              view={settings.wsPoolSize!}
              label="Idle WebSockets per account"
              kind="integer"
              min={1}
              max={64}
              unit="sockets"
              hint={
                'Kept open between requests. ' +
                'Parallel requests never wait: each one without an idle socket opens its own.'
              }
            />
          </Card>

          <Card title="Timeouts">
            <ValueSetting
              {...common}
              view={settings.connectTimeoutMs!}
              label="Connect timeout"
              kind="integer"
              min={50}
              max={120_000}
              unit="ms"
              gloss={seconds}
              hint="Connecting to Orchids."
            />
            <ValueSetting
              {...common}
              view={settings.firstByteTimeoutMs!}
              label="First byte timeout"
              kind="integer"
              min={50}
              max={600_000}
              unit="ms"
              gloss={seconds}
              hint="Waiting for Orchids to start answering."
            />
            <ValueSetting
              {...common}
              view={settings.idleTimeoutMs!}
              label="Idle timeout"
              kind="integer"
              min={50}
              max={1_800_000}
              unit="ms"
              gloss={seconds}
              hint="Silence in the middle of an answer."
            />
          </Card>

          <Card title="Startup">
            <SwitchSetting
              view={settings.launchAtLogin!}
              label="Launch at login"
              description="Start Orchids Tray in the tray when you log in."
              unavailable={
                status?.shell === 'headless'
                  ? 'Desktop app only: this window is served by headless Orchids Tray, ' +
                    'which your own service manager starts.'
                  : undefined
              }
              save={save}
            />
          </Card>

          <Card title="Model mapping" className="span-2">
            <p className="hint">
              Which Orchids model serves each requested model id. <code>*</code> matches anything, so{' '}
              <code>claude-opus-*</code> catches new versions; the most specific row wins.
            </p>
            <ModelMapEditor view={settings.modelMap!} save={save} reset={reset} />
          </Card>
        </div>
      )}
    </>
  );
}
