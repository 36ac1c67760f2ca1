import { randomBytes } from 'node:crypto';
import type { GeneratedApiKey, SettingView } from '../../../contract/settings-views';
import { SETTING_KEYS, type SettingKey, type Settings } from '../settings/definitions';
import { SettingError, type SettingsService } from '../settings/settings-service';
import { settingView } from './views';

/**
 * Settings as the window, the CLI and the tray change them. Keys arrive as text from every client; this is the
 * one place that checks them. What leaves is the wire view, with the API key masked.
 */
export class SettingsApp {
  constructor(private readonly settings: SettingsService) {}

  /** The effective value, in full (the tray's "Copy Claude Code setup" is the one caller that needs the API key). */
  get<K extends SettingKey>(key: K): Settings[K] {
    return this.settings.get(key);
  }

  list(): SettingView[] {
    return this.settings.view().map(settingView);
  }

  /** Stores a value; the view shows the effective one, which an environment variable may still override. */
  set(key: string, value: unknown): SettingView {
    const name = settingKey(key);
    this.settings.set(name, value);
    return this.view(name);
  }

  /** Forgets the stored value so the default (or the environment) applies again. */
  reset(key: string): SettingView {
    const name = settingKey(key);
    this.settings.reset(name);
    return this.view(name);
  }

  generateApiKey(): GeneratedApiKey {
    const apiKey = `ot-${randomBytes(24).toString('base64url')}`;
    this.settings.set('apiKey', apiKey);
    return { apiKey, settings: this.list() };
  }

  onChange(listener: (key: SettingKey) => void): () => void {
    return this.settings.onChange((key) => listener(key));
  }

  private view(name: SettingKey): SettingView {
    return settingView(this.settings.view().find((setting) => setting.key === name)!);
  }
}

export function settingKey(key: string): SettingKey {
  if (!(SETTING_KEYS as readonly string[]).includes(key))
    throw new SettingError(key, `no such setting. Known: ${SETTING_KEYS.join(', ')}.`);
  return key as SettingKey;
}
