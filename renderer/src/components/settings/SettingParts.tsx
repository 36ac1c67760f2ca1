import { useCallback, useState } from 'react';
import { errorMessage, type SettingView } from '../../lib/api';

/** An environment variable wins over the window: say which one, and that the field is read-only because of it. */
export function EnvLock({ view }: { view: SettingView }) {
  if (view.source !== 'environment') return null;
  return (
    <p className="lock-note">
      <span className="badge badge-muted">Locked</span> Set by the environment variable <code>{view.env}</code>; change
      it there and restart.
    </p>
  );
}

/** A number, text or choice setting's value as a form control shows it. The map-valued setting has its own editor. */
export function valueText(value: SettingView['value']): string {
  // A list reads as people type it (`a.lan, b.lan`), not as JSON.
  if (Array.isArray(value)) return value.join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function RestartNote({ view }: { view: SettingView }) {
  if (!view.needsRestart) return null;
  return <p className="hint">Takes effect after Orchids Tray restarts.</p>;
}

export type SaveState =
  { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; note?: string } | { kind: 'error'; message: string };

export interface Saver {
  state: SaveState;
  /**
   * Runs a save: "Saving…" meanwhile, then `note` (or "Saved"), or the core's reason it refused. Resolves to whether
   * it was stored, so an editor moves focus only when the button that was pressed goes away.
   */
  run: (work: () => Promise<unknown>, note?: string) => Promise<boolean>;
  /** A state the editor decides itself: a check before the round trip, or back to idle on an edit. */
  show: (state: SaveState) => void;
}

/** The one save lifecycle every settings editor shares, shown by SaveStatus. */
export function useSaver(): Saver {
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const run = useCallback(async (work: () => Promise<unknown>, note?: string): Promise<boolean> => {
    setState({ kind: 'saving' });
    try {
      await work();
      setState({ kind: 'saved', note });
      return true;
    } catch (error) {
      setState({ kind: 'error', message: errorMessage(error) });
      return false;
    }
  }, []);
  return { state, run, show: setState };
}

/** The line under a field: saving, saved, or the core's reason it refused. Fixed height, so nothing jumps. */
export function SaveStatus({ state, id }: { state: SaveState; id?: string }) {
  return (
    <p
      id={id}
      className={`save-status ${state.kind === 'error' ? 'save-error' : ''}`}
      role={state.kind === 'error' ? 'alert' : 'status'}
    >
      {state.kind === 'saving'
        ? 'Saving…'
        : state.kind === 'saved'
          ? (state.note ?? 'Saved')
          : state.kind === 'error'
            ? state.message
            : ''}
    </p>
  );
}
