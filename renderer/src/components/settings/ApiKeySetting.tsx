import { useId, useRef, useState } from 'react';
import type { SettingView } from '../../lib/api';
import { ConfirmDialog } from '../ConfirmDialog';
import { CopyButton } from '../CopyButton';
import { BusyButton } from '../BusyButton';
import { EnvLock, SaveStatus, useSaver } from './SettingParts';

interface ApiKeySettingProps {
  view: SettingView;
  generate: () => Promise<string>;
  save: (key: string, value: unknown) => Promise<void>;
}

/**
 * The proxy's own key. The core never hands it back (the view is masked), so a new key is shown exactly once,
 * right after it is generated, with a copy button.
 */
export function ApiKeySetting({ view, generate, save }: ApiKeySettingProps) {
  const [fresh, setFresh] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<'generate' | 'clear' | null>(null);
  const { state, run } = useSaver();
  const keyId = useId();
  const generateButton = useRef<HTMLButtonElement>(null);
  const isSet = Boolean(view.value);
  const locked = view.source === 'environment';

  const doGenerate = (): Promise<boolean> => {
    setConfirm(null);
    return run(async () => setFresh(await generate()), 'New key generated. Clients must send it from now on.');
  };
  // Hide goes with the key it hid: the keyboard carries on from the button that makes another.
  const hide = (): void => {
    setFresh(null);
    generateButton.current?.focus();
  };
  const doClear = (): Promise<boolean> => {
    setConfirm(null);
    return run(async () => {
      await save('apiKey', '');
      setFresh(null);
      generateButton.current?.focus(); // Clear key goes with the key
    }, 'Key cleared. Any local program can use the proxy now.');
  };

  return (
    <div className="setting">
      <span className="visually-hidden">API key</span>
      <div className="setting-control">
        <span className={`badge ${isSet ? 'badge-good' : 'badge-muted'}`}>{isSet ? 'Set' : 'Not set'}</span>
        {!locked ? (
          <>
            <BusyButton
              ref={generateButton}
              className="button button-small"
              busy={state.kind === 'saving'}
              onClick={() => (isSet ? setConfirm('generate') : void doGenerate())}
            >
              {isSet ? 'Generate new key' : 'Generate key'}
            </BusyButton>
            {isSet ? (
              <button
                type="button"
                className="button button-small button-danger-quiet"
                onClick={() => setConfirm('clear')}
              >
                Clear key
              </button>
            ) : null}
          </>
        ) : null}
      </div>
      <div className="setting-hints">
        <p className="hint">
          {isSet
            ? 'Clients must send this key (x-api-key or Authorization: Bearer). ' +
              'It cannot be shown again; generate a new one if it is lost.'
            : 'Without a key, any program on this computer can use the proxy.'}
        </p>
        <EnvLock view={view} />
      </div>
      {fresh ? (
        <div className="fresh-key">
          <label htmlFor={keyId}>Your new API key — shown only this once, copy it now</label>
          <div className="setting-control">
            <input id={keyId} className="input-text mono" readOnly value={fresh} onFocus={(e) => e.target.select()} />
            <CopyButton text={fresh} what="API key" />
            <button type="button" className="button button-small" onClick={hide}>
              Hide
            </button>
          </div>
        </div>
      ) : null}
      <SaveStatus state={state} />
      <ConfirmDialog
        open={confirm === 'generate'}
        title="Replace the API key?"
        confirmLabel="Generate new key"
        onConfirm={() => void doGenerate()}
        onClose={() => setConfirm(null)}
      >
        <p>Clients still sending the current key will be refused until they use the new one.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'clear'}
        title="Clear the API key?"
        confirmLabel="Clear key"
        danger
        onConfirm={() => void doClear()}
        onClose={() => setConfirm(null)}
      >
        <p>Without a key, any program on this computer can send requests through your accounts.</p>
      </ConfirmDialog>
    </div>
  );
}
