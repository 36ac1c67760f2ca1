import { useCallback, useEffect, useState } from 'react';
import { errorMessage, useApi, type SettingView } from './api';
import { useLive } from './live';

export type SettingsByKey = Record<string, SettingView>;

const byKey = (list: SettingView[]): SettingsByKey => Object.fromEntries(list.map((s) => [s.key, s]));

/**
 * Settings as the core reports them (value, source, environment variable, needs-restart). `save` and `reset`
 * throw the core's own message, which the field shows next to itself.
 */
export function useSettings() {
  const api = useApi();
  const { refreshStatus } = useLive();
  const [settings, setSettings] = useState<SettingsByKey | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.settings.get().then(
      (list) => setSettings(byKey(list)),
      (caught: unknown) => setError(errorMessage(caught)),
    );
  }, [api]);

  const save = useCallback(
    async (key: string, value: unknown): Promise<void> => {
      try {
        setSettings(byKey(await api.settings.set({ key, value })));
      } catch (caught) {
        throw new Error(errorMessage(caught), { cause: caught });
      }
      refreshStatus();
    },
    [api, refreshStatus],
  );

  const reset = useCallback(
    async (key: string): Promise<void> => {
      try {
        setSettings(byKey(await api.settings.reset({ key })));
      } catch (caught) {
        throw new Error(errorMessage(caught), { cause: caught });
      }
      refreshStatus();
    },
    [api, refreshStatus],
  );

  const generateApiKey = useCallback(async (): Promise<string> => {
    const result = await api.settings.generateApiKey();
    setSettings(byKey(result.settings));
    refreshStatus();
    return result.apiKey;
  }, [api, refreshStatus]);

  return { settings, error, save, reset, generateApiKey };
}
