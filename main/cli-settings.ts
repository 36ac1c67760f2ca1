import type { OrchidsApi } from '../contract/api';
import { commaList } from '../contract/lists';
import type { SettingView } from '../contract/settings-views';
import { SETTING_DEFINITIONS, type SettingKey } from './core/settings/definitions';
import { UsageError, didYouMean, unknownSubcommand, type Line } from './cli-errors';
import { SUBCOMMANDS } from './cli-help';

/** `npm run cli -- settings …`. */
export async function settings(
  api: OrchidsApi,
  command: string | undefined,
  args: string[],
  json: boolean,
  out: Line,
): Promise<void> {
  // A name that is no setting is a slip of the fingers like an unknown flag: named here with a guess (exit code 2)
  // before anything is asked of the app, which checks it again for every other client.
  const key = (): string => {
    const name = args[0];
    if (!name) throw new UsageError(`settings ${command} needs a setting name (see settings list).`);
    if (!Object.hasOwn(SETTING_DEFINITIONS, name)) {
      const guess = didYouMean(name, Object.keys(SETTING_DEFINITIONS));
      throw new UsageError(`"${name}" is not a setting.${guess || ' settings list shows every one.'}`);
    }
    return name;
  };
  switch (command) {
    case 'list': {
      const view = await api.settings.get();
      if (json) out(JSON.stringify(view, null, 2));
      else
        // `env` names the variable that would override a setting; it is the source only when it is set.
        for (const s of view) out(settingLine(s));
      return;
    }
    case 'get': {
      // One value for a script (`--json`: its view alone) or a person, in the list's words.
      const name = key();
      const view = (await api.settings.get()).find((s) => s.key === name)!;
      if (json) out(JSON.stringify(view, null, 2));
      else out(settingLine(view));
      return;
    }
    case 'set': {
      const name = key();
      // Without this, a forgotten value stored "": `settings set apiKey` alone cleared the key and opened the proxy.
      if (args.length < 2)
        throw new UsageError(
          `settings set ${name} needs a value (for "", write '""'; settings reset ${name} restores the default).`,
        );
      const raw = args.slice(1).join(' ');
      const fallback = Object.hasOwn(SETTING_DEFINITIONS, name)
        ? SETTING_DEFINITIONS[name as SettingKey].default
        : undefined;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (error) {
        // A bare word is a string. For a setting that is no string (the model map, a list), text that opens like an
        // object or a list meant JSON: a typo in it is named, not stored as a string or reported as the wrong kind.
        if (typeof fallback !== 'string' && /^\s*[[{]/.test(raw))
          throw new UsageError(`${name}: the value is not valid JSON: ${(error as Error).message}`);
        value = raw;
      }
      // A list is written as its variable and the window's field take it: `settings set allowedHosts a.lan,b.lan`.
      if (typeof value === 'string' && Array.isArray(fallback)) value = commaList(value);
      const view = (await api.settings.set({ key: name, value })).find((s) => s.key === name)!;
      // Under a variable the view holds the value in force, not the one stored (which may be a secret: not echoed).
      if (view.source === 'environment')
        out(`${name} is stored, but ${view.env} overrides it: ${JSON.stringify(view.value)}`);
      else out(`${name} = ${JSON.stringify(view.value)}`);
      return;
    }
    case 'reset': {
      const name = key();
      await api.settings.reset({ key: name });
      out(`${name} is back to its default.`);
      return;
    }
    default:
      throw unknownSubcommand('settings', command, SUBCOMMANDS.settings);
  }
}

/** A setting as `settings list` and `settings get` print it: `env` names the variable only when it is the source. */
function settingLine(view: SettingView): string {
  const source = view.source === 'environment' ? `env ${view.env}` : view.source;
  return `${view.key.padEnd(22)} ${JSON.stringify(view.value)}  (${source})`;
}
