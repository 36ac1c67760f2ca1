import type { ComponentPropsWithRef, MouseEvent } from 'react';

type BusyButtonProps = ComponentPropsWithRef<'button'> & {
  /** A call this button started is still on its way. */
  busy: boolean;
};

/**
 * A button that waits for its call busy, not disabled. A disabled button loses keyboard focus (the browser drops it
 * to the page), so a keyboard user whose call fails would start again from the top; this one keeps focus, says
 * `aria-busy` and `aria-disabled`, and ignores presses until the call is done. A component rather than a props helper:
 * the press guard and the two attributes cannot be taken one without the others.
 *
 * `disabled` stays for what is really unavailable (nothing to save, nothing to check), never for waiting.
 */
export function BusyButton({ busy, onClick, type = 'button', ...props }: BusyButtonProps) {
  const guarded = (event: MouseEvent<HTMLButtonElement>): void => {
    // Enter, Space and a form's implicit submission all arrive as this click; cancelling it also cancels the submit,
    // so a waiting form is never sent twice.
    if (busy) {
      event.preventDefault();
      return;
    }
    onClick?.(event);
  };
  return (
    <button
      type={type}
      {...props}
      aria-disabled={busy || props['aria-disabled'] || undefined}
      aria-busy={busy || undefined}
      onClick={guarded}
    />
  );
}
