import crypto from 'node:crypto';
import { expect, goTo, test } from './fixtures';

// Not a database: what a crash mid-write, a sync tool or a bad copy can leave behind.
test.use({ appFiles: { 'orchids-tray.db': crypto.randomBytes(8192).toString('base64') } });

test('an app started on a damaged database says so on the Overview, with when, until "Dismiss"', async ({
  page,
  tray,
}) => {
  const line = (await tray.app.waitFor(/^\[data\] (The database could not be read .*)$/m))[1]!;
  await goTo(page, 'Overview');
  const warning = page.getByRole('region', { name: 'Proxy' }).getByRole('alert');
  await expect(warning).toContainText(
    'The database could not be read (SQLITE_NOTADB), so Orchids Tray set it aside and started with a fresh, empty ' +
      'one: accounts must be added again',
  );
  // The same words as the start line, with when and where the old file is kept: the notice is said at every start
  // until dismissed, so it may be read days later.
  await expect(warning).toContainText(line.slice(line.indexOf('The old file was set aside at')));
  await expect(warning).toContainText(/set aside at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  await expect(warning).toContainText(/orchids-tray\.damaged-\d{8}T\d{6}Z\.db/);
  // The fresh database serves: no accounts yet, and the Overview says how to add one.
  await expect(page.getByText('Add an Orchids account')).toBeVisible();

  await warning.getByRole('button', { name: 'Dismiss' }).click();
  await expect(warning).toHaveCount(0);
  // Dismissed in the app, not only in this page: a reload does not bring it back.
  await page.reload();
  await goTo(page, 'Overview');
  await expect(page.getByRole('region', { name: 'Proxy' }).getByText('Base URL')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Proxy' }).getByRole('alert')).toHaveCount(0);
});
