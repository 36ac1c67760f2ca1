import { describe, expect, it } from 'vitest';
import { clerkClockLine, describeClockOffset, diagnosticsLines, wsPoolLine } from '../../contract/diagnostics';
import type { Health } from '../../contract/status-views';

const health = (over: Partial<Health['upstream']> = {}): Health => ({
  status: 'ok',
  version: '1.2.3',
  accounts: { total: 2, enabled: 2, usable: 1 },
  debugLogs: { enabled: true, written: 4, dropped: 1, pending: 2 },
  history: { dropped: 0, pending: 3 },
  events: { subscribers: 1, dropped: 0 },
  server: {
    remote: false,
    connections: { open: 2, displaced: 1, refused: 0, apiRefused: 1, abortedUploads: 0 },
    bodyBudget: { bytes: 64 * 1024 * 1024, inUse: 1536, peak: 3 * 1024 * 1024, refused: 1 },
  },
  upstream: {
    ws: { dials: 1, reuses: 2, retries: 1, strays: 0, open: 1, idle: 1 },
    clerkClockOffsetSeconds: 0,
    ...over,
  },
  pinnedMismatch: null,
  damagedDatabase: null,
});

describe('the diagnostics wording', () => {
  it('says the pool the way proxy status prints it, singular and plural', () => {
    expect(wsPoolLine({ dials: 1, reuses: 2, retries: 1, strays: 0, open: 1, idle: 1 })).toBe(
      'WebSocket pool: 1 open (1 idle), 1 dial, 2 reuses, 1 retry, 0 strays',
    );
    expect(wsPoolLine({ dials: 12_345, reuses: 1, retries: 2, strays: 1, open: 0, idle: 0 })).toBe(
      'WebSocket pool: 0 open (0 idle), 12,345 dials, 1 reuse, 2 retries, 1 stray',
    );
  });

  it('words a clock offset either way, in seconds then minutes, and says nothing when in step', () => {
    expect(describeClockOffset('Clerk', 45_000)).toBe(
      "this machine's clock runs 45 s behind Clerk's; token lifetimes are read on its clock",
    );
    expect(describeClockOffset('Clerk', -300_000)).toBe(
      "this machine's clock runs 5 min ahead of Clerk's; token lifetimes are read on its clock",
    );
    expect(describeClockOffset('Clerk', 0)).toBe("this machine's clock agrees with Clerk's");
    expect(clerkClockLine(-300)).toBe(
      "This machine's clock runs 5 min ahead of Clerk's; token lifetimes are read on its clock.",
    );
    expect(clerkClockLine(0)).toBeNull();
  });

  it('lists every figure, the clock only when it is off', () => {
    const status = { version: '1.2.3', shell: 'headless' as const, dataDir: '/home/me/.orchids-tray' };
    expect(diagnosticsLines(status, health())).toEqual([
      'Orchids Tray 1.2.3 (headless)',
      'Data folder: /home/me/.orchids-tray',
      'WebSocket pool: 1 open (1 idle), 1 dial, 2 reuses, 1 retry, 0 strays',
      'Connections: 2 open; 1 displaced, 0 refused, 1 API request answered 529, 0 aborted uploads',
      'Body budget: 1.5 KiB in use of 64.0 MiB (peak 3.0 MiB), 1 body refused',
      'Debug records: on, 4 written, 1 dropped, 2 pending',
      'History: 3 pending, 0 dropped',
    ]);
    const off = diagnosticsLines({ ...status, shell: 'desktop' }, health({ clerkClockOffsetSeconds: 45 }));
    expect(off[0]).toBe('Orchids Tray 1.2.3 (desktop app)');
    expect(off[3]).toBe("This machine's clock runs 45 s behind Clerk's; token lifetimes are read on its clock.");
    expect(off).toHaveLength(8);
  });

  it('puts a pinned protocol that does not answer right under the data folder, saying what pins it', () => {
    const status = { version: '1.2.3', shell: 'headless' as const, dataDir: '/d' };
    const at = Date.UTC(2026, 11, 1, 9, 5, 7);
    const pinned = (fromEnv: boolean): Health => ({
      ...health(),
      pinnedMismatch: { protocol: 'ws', at, fromEnv, message: 'words for a script' },
    });
    const lines = diagnosticsLines(status, pinned(false));
    expect(lines[2]).toBe(
      'Upstream protocol: pinned to ws by the setting, not answering (last at 2026-12-01 09:05:07 UTC)',
    );
    expect(lines).toHaveLength(8);
    expect(diagnosticsLines(status, pinned(true))[2]).toContain('pinned to ws by ORCHIDS_TRAY_UPSTREAM_PROTOCOL');
    expect(diagnosticsLines(status, health()).some((line) => line.startsWith('Upstream protocol'))).toBe(false);
  });

  it('says when the database was replaced, naming the kept file, and nothing when it was not', () => {
    const status = { version: '1.2.3', shell: 'headless' as const, dataDir: '/d' };
    const damaged: Health = {
      ...health(),
      damagedDatabase: {
        keptAs: '/d/orchids-tray.damaged-20261201T090507Z.db',
        at: Date.UTC(2026, 11, 1, 9, 5, 7),
        code: 'SQLITE_NOTADB',
        message: 'words for a script',
      },
    };
    const lines = diagnosticsLines(status, damaged);
    expect(lines[2]).toBe(
      'Database: replaced at 2026-12-01 09:05:07 UTC (SQLITE_NOTADB); the old file is kept as ' +
        'orchids-tray.damaged-20261201T090507Z.db',
    );
    expect(lines).toHaveLength(8);
    expect(diagnosticsLines(status, health()).some((line) => line.startsWith('Database:'))).toBe(false);
  });
});
