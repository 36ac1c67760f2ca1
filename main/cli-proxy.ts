import { clerkClockLine, wsPoolLine } from '../contract/diagnostics';
import { damagedDatabaseLine, setAsideAt } from '../contract/damaged-database';
import { pinnedMismatchWords, withPinnedMismatch } from '../contract/pinned-protocol';
import { servingWords } from '../contract/serving';
import type { ProxyStatus, UpstreamHealth } from '../contract/status-views';
import { cliCommand } from './core/util/cli-command';
import type { CliConnection } from './cli-connection';

type Line = (text: string) => void;

/**
 * `proxy status | pause | resume | dismiss-notice`. A pause lives in the running app only (a restart serves again),
 * so with no app running there is nothing to pause: the command says so rather than storing something nobody reads.
 * The notice of a replaced database is kept in the database, so it can be dismissed with or without the app.
 */
export async function proxyCommand(connection: CliConnection, command: string | undefined, out: Line): Promise<void> {
  if (command === 'dismiss-notice') {
    await dismissNotice(connection, out);
    return;
  }
  if (!connection.app) {
    // `proxy` alone is `proxy status`: the same refusal, in words that fit a status ("nothing to status" did not).
    const why =
      command === 'pause' || command === 'resume'
        ? `it serves nothing to ${command}`
        : 'there is no proxy status to show';
    throw new Error(
      `Orchids Tray is not running for ${connection.dataDir}, so ${why}. Start it with npm run headless or npm start.`,
    );
  }
  const { proxy } = connection.api;
  if (command === 'pause' || command === 'resume') {
    printStatus(await proxy[command](), out);
    return;
  }
  printStatus(await proxy.status(), out);
  // Only for `status`: pause and resume answer with what they changed. The figures are /health's own.
  printUpstream((await proxy.health()).upstream, out);
}

async function dismissNotice(connection: CliConnection, out: Line): Promise<void> {
  const { proxy } = connection.api;
  const before = (await proxy.status()).damagedDatabase;
  if (!before) {
    out('There is no notice of a replaced database to dismiss.');
    return;
  }
  await proxy.dismissDamagedDatabase();
  out(
    `Dismissed the notice of the database replaced at ${setAsideAt(before)}; the old file stays as ${before.keptAs}.`,
  );
}

function printStatus(status: ProxyStatus, out: Line): void {
  const words = withPinnedMismatch(servingWords(status.serving), status.pinnedMismatch);
  out(`${words.headline}: ${words.detail}`);
  if (status.pinnedMismatch) {
    const pin = pinnedMismatchWords(status.pinnedMismatch, 'cli', process.platform);
    out(`${pin.detail} ${pin.way}`);
  }
  if (status.damagedDatabase) out(damagedDatabaseLine(status.damagedDatabase));
  out(`Proxy: ${status.url}`);
  if (status.paused) out(`Resume with: ${cliCommand('proxy resume')}`);
}

/** What a person debugging slow requests or 401s needs besides the log (the same figures as /health's `upstream`). */
function printUpstream({ ws, clerkClockOffsetSeconds }: UpstreamHealth, out: Line): void {
  out(wsPoolLine(ws));
  const clock = clerkClockLine(clerkClockOffsetSeconds);
  if (clock) out(clock);
}
