import { diagnosticsLines } from '../../../contract/diagnostics';
import type { Health } from '../../../contract/status-views';
import { useEffect, useId, useState } from 'react';
import { useApi } from '../lib/api';
import { LatestRead } from '../lib/latest-read';
import { useLive } from '../lib/live';
import { CopyButton } from './CopyButton';
import { DisclosureIcon } from './Icons';
import { ErrorNote } from './ViewHeader';

/** The pool's counters move with every request and are never pushed: read again this often while shown. */
const REFRESH_MS = 2_000;

/**
 * The app's own figures for a bug report about slow or failing requests (what `/health` and `proxy status` give),
 * closed by default. Only the open section reads them, so a closed one costs the core nothing.
 */
export function DiagnosticsCard() {
  const [open, setOpen] = useState(false);
  const bodyId = useId();
  return (
    <section className="card span-2 diagnostics" aria-label="Diagnostics">
      <div className="card-header">
        <h2>
          <button
            type="button"
            className="disclosure"
            aria-expanded={open}
            aria-controls={bodyId}
            onClick={() => setOpen((o) => !o)}
          >
            <DisclosureIcon />
            Diagnostics
          </button>
        </h2>
      </div>
      <div id={bodyId} hidden={!open}>
        {open ? <DiagnosticsFigures /> : null}
      </div>
    </section>
  );
}

function DiagnosticsFigures() {
  const api = useApi();
  const { status } = useLive();
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [healthRead] = useState(() => new LatestRead<Health>());
  useEffect(() => {
    let live = true;
    const load = (): void => {
      const ticket = healthRead.ask();
      api.proxy.health().then(
        (h) => {
          const current = healthRead.answer(ticket, h);
          if (!live || !current) return;
          setHealth(current);
          setError(null);
        },
        () => {
          if (live && healthRead.failed(ticket)) setError('Could not read the figures.');
        },
      );
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, healthRead]);

  if (!status || !health) {
    return (
      <p className="muted diagnostics-lines" aria-busy="true">
        {error ?? 'Loading…'}
      </p>
    );
  }
  const lines = diagnosticsLines(status, health);
  return (
    <>
      <ul className="diagnostics-lines" aria-label="Diagnostics figures">
        {lines.map((line) => (
          <li key={line.slice(0, line.indexOf(':') + 1) || line}>{line}</li>
        ))}
      </ul>
      <ErrorNote>{error}</ErrorNote>
      <div className="diagnostics-actions">
        <CopyButton text={`${lines.join('\n')}\n`} what="diagnostics" label="Copy diagnostics" />
      </div>
    </>
  );
}
