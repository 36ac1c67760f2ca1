import { useState } from 'react';
import { collectHistory, HISTORY_EXPORT_CAP, historyCsv } from '../../../../contract/history-csv';
import type { HistoryQuery } from '../../../../contract/request-views';
import { useApi } from '../../lib/api';
import { useAction } from '../../lib/hooks';
import { useLive } from '../../lib/live';
import { fileDate, saveFile } from '../../lib/save-file';
import type { LogFilters } from '../../lib/useRequestLog';
import { BusyButton } from '../BusyButton';

const CAP = HISTORY_EXPORT_CAP.toLocaleString('en-US');

/**
 * Export CSV: reads every history row the filters match, newest first, a page at a time up to the cap (not just the
 * rows the list holds), and saves them as `logs --csv` prints them, through a blob link as Accounts' Export does.
 * Says afterwards how many it saved, and when the cap left older ones out; with none to save, it saves no file.
 */
export function useExportCsv(filters: LogFilters) {
  const api = useApi();
  const { accounts } = useLive();
  const [note, setNote] = useState<string | null>(null);
  const action = useAction(async () => {
    setNote(null);
    const where: Omit<HistoryQuery, 'limit' | 'beforeId'> = {
      outcome: filters.outcome || undefined,
      accountId: filters.accountId ?? undefined,
      model: filters.model || undefined,
    };
    const { rows, capped } = await collectHistory((q) => api.history.query(q), where);
    // A file of one header row answers nothing; asked from an empty list, say so instead of saving it.
    if (rows.length === 0) {
      const filtered = Object.values(where).some((value) => value !== undefined);
      setNote(
        filtered ? 'Nothing to export: no request matches these filters.' : 'Nothing to export: no requests yet.',
      );
      return;
    }
    const names = new Map((accounts ?? []).map((a) => [a.id, a.name]));
    saveFile(historyCsv(rows, names), 'text/csv', `orchids-tray-history-${fileDate()}.csv`);
    const count = `${rows.length.toLocaleString('en-US')} request${rows.length === 1 ? '' : 's'}`;
    setNote(
      capped
        ? `Exported the newest ${count}; older matching requests are beyond the export's limit of ${CAP}.`
        : `Exported ${count}.`,
    );
  });
  return { ...action, note };
}

export function ExportCsvButton({ exporter }: { exporter: ReturnType<typeof useExportCsv> }) {
  return (
    <BusyButton
      className="button"
      busy={exporter.pending}
      title={
        `Save the requests matching the filters as CSV, the newest ${CAP} at most ` +
        '(with account names and e-mails; no debug records)'
      }
      onClick={() => void exporter.run()}
    >
      {exporter.pending ? 'Exporting…' : 'Export CSV'}
    </BusyButton>
  );
}
