import type { ReactNode } from 'react';
import { BusyButton } from './BusyButton';
import { Dialog } from './Dialog';
import { ErrorNote } from './ViewHeader';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  pending?: boolean;
  error?: string | null;
  danger?: boolean;
}

/** Asks before something that cannot be undone. Focus starts on Cancel, so Enter alone never destroys anything. */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
  pending,
  error,
  danger,
}: ConfirmDialogProps) {
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      description={children}
      footer={
        <>
          <button type="button" className="button" data-autofocus onClick={onClose}>
            Cancel
          </button>
          <BusyButton
            className={danger ? 'button button-danger' : 'button button-primary'}
            busy={Boolean(pending)}
            onClick={onConfirm}
          >
            {confirmLabel}
          </BusyButton>
        </>
      }
    >
      <ErrorNote>{error}</ErrorNote>
    </Dialog>
  );
}
