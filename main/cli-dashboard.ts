import type { CliConnection } from './cli-connection';

type Line = (text: string) => void;

/** `dashboard`: a fresh one-time sign-in link from the running app (only the app holds codes and sessions). */
export async function printDashboardLink(connection: CliConnection, out: Line): Promise<void> {
  if (!connection.app) {
    throw new Error(
      `Orchids Tray is not running for ${connection.dataDir}. ` +
        'Start it with npm run headless (it prints a link) or npm start.',
    );
  }
  const link = await connection.app.signInLink();
  out(`Dashboard: ${link.url}`);
  out(`  (one browser, once, until ${new Date(link.expiresAt).toLocaleTimeString()})`);
}

/**
 * `token rotate`: a new install token. The running app rotates it itself (so it stops accepting the old one at
 * once, and signs every browser out); with no app running, the CLI replaces the file.
 */
export async function rotateInstallToken(connection: CliConnection, out: Line): Promise<void> {
  await connection.api.settings.rotateInstallToken();
  out(
    connection.app
      ? 'Rotated the install token in the running Orchids Tray: every dashboard browser must sign in again.'
      : 'Rotated the install token (Orchids Tray is not running; it uses the new one when it starts).',
  );
}
