import { useEffect, useRef, useState } from 'react';

/** Clipboard API first (loopback and file:// are secure contexts); a hidden textarea and execCommand as fallback. */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'offscreen';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

interface CopyButtonProps {
  text: string;
  /** What is copied, for the accessible name: "Copy base URL". */
  what: string;
  /** The button's own text, where "Copy" alone would not say which of several copies it makes. */
  label?: string;
  className?: string;
}

export function CopyButton({ text, what, label, className }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const onClick = async (): Promise<void> => {
    const ok = await copyText(text);
    setState(ok ? 'copied' : 'failed');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), 2000);
  };
  const shown = state === 'copied' ? 'Copied' : state === 'failed' ? 'Select & copy' : (label ?? 'Copy');
  return (
    <button
      type="button"
      className={className ?? 'button button-small'}
      aria-label={`Copy ${what}`}
      onClick={() => void onClick()}
    >
      {/* Fixed width so the label change never moves the layout: at least "Copy"'s, or the whole label's. */}
      {label ? (
        <span className="copy-label-stack">
          <span className="copy-label-sizer" aria-hidden="true">
            {label}
          </span>
          <span aria-live="polite">{shown}</span>
        </span>
      ) : (
        <span className="copy-label" aria-live="polite">
          {shown}
        </span>
      )}
    </button>
  );
}
