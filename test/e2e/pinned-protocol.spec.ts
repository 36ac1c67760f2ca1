import { addAccount, callBehindTheWindow, expect, test } from './fixtures';

test('a pinned protocol the service does not speak is shown on the Overview, and "Use auto" ends it', async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Only');
  // Pinned elsewhere (the CLI, Settings) to a protocol this service does not answer on.
  expect((await callBehindTheWindow(page, 'settings:set', { key: 'upstreamProtocol', value: 'ws' })).ok).toBe(true);
  tray.sim.setProtocols({ ws: false });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview', exact: true }).click();

  const proxy = page.getByRole('region', { name: 'Proxy' });
  const warning = proxy.getByRole('alert');
  const pill = page.getByRole('status').filter({ hasText: /^Running/ });
  await expect(warning).toHaveCount(0);
  await expect(pill).toHaveText('Running');

  await expect(tray.send(1)).rejects.toThrow(/pinned to ws/);
  await expect(warning).toContainText(
    'The upstream protocol is pinned to ws, and Orchids does not answer on it here, so every request fails.',
  );
  await expect(pill).toHaveText('Running · ws not answering');
  // Every account still reads ready: the warning is what says requests fail.
  await expect(proxy.getByText('1 account ready.')).toBeVisible();

  await warning.getByRole('button', { name: 'Use auto' }).click();
  await expect(warning).toHaveCount(0);
  await expect(pill).toHaveText('Running');
  await tray.send(1);
  await expect(warning).toHaveCount(0);
  await expect(pill).toHaveText('Running');
});

test.describe('pinned by the environment', () => {
  test.use({ appEnv: { ORCHIDS_TRAY_UPSTREAM_PROTOCOL: 'ws' } });

  test('the warning says to change the variable, and offers no button the variable would overrule', async ({
    page,
    tray,
  }) => {
    await addAccount(page, tray.sim.addUser(), 'Only');
    tray.sim.setProtocols({ ws: false });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview', exact: true }).click();
    await expect(tray.send(1)).rejects.toThrow(/pinned to ws/);
    const warning = page.getByRole('region', { name: 'Proxy' }).getByRole('alert');
    await expect(warning).toContainText(
      'ORCHIDS_TRAY_UPSTREAM_PROTOCOL pins it: set it to auto (or remove it) and restart Orchids Tray.',
    );
    await expect(warning.getByRole('button')).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: /^Running/ })).toHaveText('Running · ws not answering');
  });
});
