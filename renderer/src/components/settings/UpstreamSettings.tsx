import { formatDuration } from '../../lib/format';
import { useCreditsSite } from '../../lib/live';
import { Card } from '../ViewHeader';
import { ChoiceSetting } from './ChoiceSetting';
import type { SettingsGroupProps } from './ServerSettings';
import { SwitchSetting } from './SwitchSetting';
import { ValueSetting } from './ValueSetting';

const seconds = (ms: number): string => formatDuration(ms);

// Short enough to read whole in a 360 px window's select (the automatic order was cut at 420 px); the hint says the
// order in words.
const PROTOCOL_CHOICES = [
  { value: 'auto', label: 'Automatic (WebSocket, SSE B, SSE A)' },
  { value: 'ws', label: 'Generation B over WebSocket (ws)' },
  { value: 'sse-b', label: 'Generation B over SSE (sse-b)' },
  { value: 'sse-a', label: 'Generation A over SSE (sse-a)' },
] as const;

const THINKING_CHOICES = [
  { value: 'auto', label: 'Follow each request' },
  { value: 'enabled', label: 'Always on' },
  { value: 'disabled', label: 'Always off' },
] as const;

/** Each bound is the core's own (settings/definitions.ts), so the field refuses what the core would. */
const TIMEOUTS = [
  { key: 'connectTimeoutMs', label: 'Connect timeout', max: 120_000, hint: 'Connecting to Orchids.' },
  {
    key: 'firstByteTimeoutMs',
    label: 'First byte timeout',
    max: 600_000,
    hint: 'Waiting for Orchids to start answering.',
  },
  { key: 'idleTimeoutMs', label: 'Idle timeout', max: 1_800_000, hint: 'Silence in the middle of an answer.' },
] as const;

/** How Orchids Tray talks to Orchids, and how long it waits. */
export function UpstreamSettings({ settings, ...common }: SettingsGroupProps) {
  const { save } = common;
  const creditsSite = useCreditsSite();
  return (
    <>
      <Card title="Upstream">
        <ChoiceSetting
          view={settings.upstreamProtocol!}
          label="Protocol"
          choices={PROTOCOL_CHOICES}
          save={save}
          hint={
            'How Orchids Tray talks to Orchids. Automatic tries WebSocket, then SSE B, then SSE A, per account, ' +
            'and remembers what worked; pin one only if you know the service changed.'
          }
        />
        <SwitchSetting
          view={settings.upstreamHttp2!}
          label="HTTP/2"
          description={
            'Offer HTTP/2 where Orchids supports it: one connection carries every request. ' +
            'Off, each concurrent request has its own HTTP/1.1 connection, which costs less CPU per short request.'
          }
          save={save}
        />
        <SwitchSetting
          view={settings.creditsSync!}
          label="Credits"
          description={
            `Read each enabled account's plan and credits left from ${creditsSite} every 15 minutes, with the ` +
            `account's own session. Off, nothing is sent to ${creditsSite} and the figures stay as last read.`
          }
          save={save}
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
        {TIMEOUTS.map((timeout) => (
          <ValueSetting
            {...common}
            key={timeout.key}
            view={settings[timeout.key]!}
            label={timeout.label}
            kind="integer"
            min={50}
            max={timeout.max}
            unit="ms"
            gloss={seconds}
            hint={timeout.hint}
          />
        ))}
      </Card>
    </>
  );
}
