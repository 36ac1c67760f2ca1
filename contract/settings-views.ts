/** Settings as they cross the contract (the rules for every wire type are in views.ts). */

/** Values settings take: text, numbers, switches, lists of origins, and the model map. */
export type SettingValue = string | number | boolean | string[] | Record<string, string>;

export interface SettingView {
  key: string;
  /** A secret (the API key) is never sent: it reads '••••••••' when set and '' when not. */
  value: SettingValue;
  source: 'environment' | 'database' | 'default';
  /** The environment variable that overrides it, if it has one. */
  env?: string;
  needsRestart: boolean;
}

/** Every other dashboard browser and `logs --follow` must sign in again; the window that asked stays signed in. */
export interface InstallTokenRotated {
  rotatedAt: number;
}

export interface GeneratedApiKey {
  /** The one time the key is shown in full: the window offers to copy it. */
  apiKey: string;
  settings: SettingView[];
}
