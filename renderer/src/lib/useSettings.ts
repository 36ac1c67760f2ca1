import { useCallback, useEffect, useState } from 'react';
import { errorMessage, useApi, type SettingView } from './api';
import { useEvent } from './hooks';
import { LatestRead } from './latest-read';
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
  // Every call here answers with the whole list as the core had it when it ran: two saves in quick succession may be
  // answered in the other order, and the first read may land after a save. Only the newest call's answer is shown
  // (see LatestRead): it was sent last, so the core, which runs one call at a time, ran it after every earlier one.
  const [settingsRead] = useState(() => new LatestRead<SettingView[]>());

  const show = useCallback(
    (ticket: number, list: SettingView[]) => {
      const current = settingsRead.answer(ticket, list);
      if (!current) return;
      setSettings(byKey(current));
      setError(null);
    },
    [settingsRead],
  );

  const read = useCallback(() => {
    const ticket = settingsRead.ask();
    api.settings.get().then(
      (list) => show(ticket, list),
      (caught: unknown) => {
        if (settingsRead.failed(ticket)) setError(errorMessage(caught));
      },
    );
  }, [api, settingsRead, show]);

  useEffect(read, [read]);

  // A change made elsewhere (the CLI, another window) is pushed as `settingsChanged`; one made while the live
  // connection was down is not, so the settings are also read again when it comes back. A read answers with the
  // whole list, and only the newest call's answer is shown, so these reads never undo a save.
  useEvent('settingsChanged', read);
  useEvent('connection', (change) => {
    if (change.state === 'open' && change.resumed) read();
  });

  /** Runs a call that changes settings and answers with the whole list (`listOf` finds it in the result). */
  const change = useCallback(
    async <T>(call: () => Promise<T>, listOf: (result: T) => SettingView[]): Promise<T> => {
      const ticket = settingsRead.ask();
      let result: T;
      try {
        result = await call();
      } catch (caught) {
        // Older calls' answers were passed over for this one, which brings none: read what the core has now.
        if (settingsRead.failed(ticket)) read();
        throw caught;
      }
      show(ticket, listOf(result));
      refreshStatus();
      return result;
    },
    [settingsRead, show, read, refreshStatus],
  );

  const save = useCallback(
    async (key: string, value: unknown): Promise<void> => {
      try {
        await change(
          () => api.settings.set({ key, value }),
          (list) => list,
        );
      } catch (caught) {
        // The core names the setting by its key for the CLI ("allowedOrigins: …"); here the field says which it is.
        const message = errorMessage(caught);
        const own = `${key}: `;
        throw new Error(message.startsWith(own) ? message.slice(own.length) : message, { cause: caught });
      }
    },
    [api, change],
  );

  const reset = useCallback(
    async (key: string): Promise<void> => {
      try {
        await change(
          () => api.settings.reset({ key }),
          (list) => list,
        );
      } catch (caught) {
        throw new Error(errorMessage(caught), { cause: caught });
      }
    },
    [api, change],
  );

  const generateApiKey = useCallback(
    async (): Promise<string> =>
      (
        await change(
          () => api.settings.generateApiKey(),
          (r) => r.settings,
        )
      ).apiKey,
    [api, change],
  );

  return { settings, error, save, reset, generateApiKey };
}
