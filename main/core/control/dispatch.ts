import { AccountError } from '../accounts/account-service';
import { redactText } from '../logs/redact';
import { SettingError } from '../settings/settings-service';
import type { Envelope, Handlers } from '../../../contract/api';
import { isChannel } from '../../../contract/channels';
import { INVOKE } from '../../../contract/schemas';

/**
 * Validates a call against the contract and runs its handler. Unknown channels and malformed input are refused
 * before any handler runs; failures come back as `{ ok: false, error }` with a message meant for people.
 */
export async function dispatch(
  handlers: Handlers,
  channel: string,
  input: unknown,
  log: (line: string) => void = () => {},
): Promise<Envelope<unknown>> {
  if (!isChannel(channel))
    return { ok: false, error: { code: 'unknown_channel', message: `No such channel: ${channel}` } };
  const parsed = INVOKE[channel].safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { ok: false, error: { code: 'invalid_input', message: `${where}${issue?.message ?? 'invalid input'}` } };
  }
  try {
    const handler = handlers[channel] as (value: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    if (error instanceof AccountError) return { ok: false, error: { code: error.code, message: error.message } };
    if (error instanceof SettingError) return { ok: false, error: { code: 'invalid_setting', message: error.message } };
    // A stack's message may quote anything an exception carried; this log is the app's, not the core's redacted one.
    log(redactText(`[control] ${channel} failed: ${(error as Error)?.stack ?? String(error)}`));
    return {
      ok: false,
      error: { code: 'internal', message: 'Orchids Tray hit an internal error; the details are in its log.' },
    };
  }
}
