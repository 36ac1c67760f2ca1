import { ApiKeySetting } from '../components/settings/ApiKeySetting';
import { InstallTokenSetting } from '../components/settings/InstallTokenSetting';
import { DebugLogSettings, HistorySettings } from '../components/settings/LoggingSettings';
import { ModelMapEditor } from '../components/settings/ModelMapEditor';
import { ServerSettings } from '../components/settings/ServerSettings';
import { SwitchSetting } from '../components/settings/SwitchSetting';
import { UpstreamSettings } from '../components/settings/UpstreamSettings';
import { Card, ErrorNote, ViewHeader } from '../components/ViewHeader';
import { useLive } from '../lib/live';
import { useSettings } from '../lib/useSettings';

export function SettingsView() {
  const { status } = useLive();
  const { settings, error, save, reset, generateApiKey } = useSettings();
  const common = { save, reset };

  return (
    <>
      <ViewHeader
        title="Settings"
        subtitle={
          "A field's change is saved when you leave its field or press Enter (the model mapping's with Save " +
          'mapping), and applies at once unless the setting says it needs a restart. ' +
          'Settings fixed by environment variables are read-only here.'
        }
      />
      <ErrorNote>{error}</ErrorNote>
      {!settings ? (
        <p className="muted" aria-busy="true">
          Loading settings…
        </p>
      ) : (
        // Two stacks of cards side by side where both fit, one after the other where they do not: a grid of rows left a
        // short card beside an empty area as tall as its neighbour. Each stack is one column's cards in reading order,
        // so Tab goes down a column, then to the next; the cards are shared so the two come out about as tall.
        <div className="grid grid-settings">
          <div className="settings-stack">
            <ServerSettings settings={settings} {...common} />
            <Card title="API key">
              <ApiKeySetting view={settings.apiKey!} generate={generateApiKey} save={save} />
            </Card>
            <Card title="Install token">
              <InstallTokenSetting />
            </Card>
            <HistorySettings settings={settings} {...common} />
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
          </div>
          <div className="settings-stack">
            <UpstreamSettings settings={settings} {...common} />
            <DebugLogSettings settings={settings} {...common} />
          </div>

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
