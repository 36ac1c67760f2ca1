import { useState } from 'react';
import { useApi } from '../../lib/api';
import { useAction } from '../../lib/hooks';
import { useCliCommand } from '../../lib/live';
import { ConfirmDialog } from '../ConfirmDialog';
import { SaveStatus, type SaveState } from './SettingParts';

/**
 * The install token guards the control API and signs dashboard links. Rotating it signs every other dashboard
 * browser out and stops `logs --follow` clients holding the old one; this window stays signed in.
 */
export function InstallTokenSetting() {
  const api = useApi();
  const [confirming, setConfirming] = useState(false);
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const dashboardCommand = useCliCommand('dashboard');
  const rotate = useAction(async () => {
    await api.settings.rotateInstallToken();
    setConfirming(false);
    setState({ kind: 'saved', note: 'New install token. Other dashboard browsers must open a fresh link.' });
  });
  return (
    <div className="setting">
      <div className="setting-control">
        <button type="button" className="button button-small" onClick={() => setConfirming(true)}>
          Rotate install token
        </button>
      </div>
      <div className="setting-hints">
        <p className="hint">
          Kept in the data folder (control-token). The command line uses it, and dashboard links are signed with it; a
          link itself only carries a one-time code. Get a fresh link with <code>{dashboardCommand}</code>.
        </p>
      </div>
      <SaveStatus state={state} />
      <ConfirmDialog
        open={confirming}
        title="Rotate the install token?"
        confirmLabel="Rotate token"
        pending={rotate.pending}
        error={rotate.error}
        onConfirm={() => void rotate.run()}
        onClose={() => setConfirming(false)}
      >
        <p>
          Every other browser showing this dashboard is signed out, and any running <code>logs --follow</code> stops.
        </p>
      </ConfirmDialog>
    </div>
  );
}
