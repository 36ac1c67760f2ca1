import { servingWords } from '../contract/serving';
import type { ProxyStatus } from '../contract/views';
import type { CliConnection } from './cli-connection';

type Line = (text: string) => void;

/**
 * `proxy status | pause | resume`. A pause lives in the running app only (a restart serves again), so with no app
 * running there is nothing to pause: the command says so rather than storing something nobody reads.
 */
export async function proxyCommand(connection: CliConnection, command: string | undefined, out: Line): Promise<void> {
  if (!connection.app) {
    throw new Error(
      `Orchids Tray is not running for ${connection.dataDir}, so it serves nothing to ${command ?? 'show'}. ` +
        'Start it with npm run headless or npm start.',
    );
  }
  const { proxy } = connection.api;
  const status = command === 'pause' ? await proxy.pause() : command === 'resume' ? await proxy.resume() : undefined;
  printStatus(status ?? (await proxy.status()), out);
}

function printStatus(status: ProxyStatus, out: Line): void {
  const words = servingWords(status.serving);
  out(`${words.headline}: ${words.detail}`);
  out(`Proxy: ${status.url}`);
  if (status.paused) out('Resume with: npm run cli -- proxy resume');
}
