import { addAccount, cellUnder, expect, test } from './fixtures';

// The app runs with its own timing here: a pasted account's first read waits CREDITS_ADDED_READ_MS (1.5 s), not the
// first pass's 10 s. The simulator's site answers slowly, so the pending state lasts long enough to be seen.
test('a pasted account says "Reading…" in its Credits cell, then shows its figure within seconds', async ({
  page,
  tray,
}) => {
  tray.sim.setSiteDelay(2_000);
  const user = tray.sim.addUser();
  tray.sim.setCredits(user.userId, { plan: 'PRO', credits: 4_321 });
  const site = new URL(tray.sim.siteUrl).host;
  await addAccount(page, user, 'Pasted');
  const cell = await cellUnder(page, /Pasted/, 'Credits');
  await expect(cell).toHaveText('Reading…');
  await expect(cell.getByText('Reading…')).toHaveAttribute(
    'title',
    `Reading this account's plan and credits from ${site}`,
  );
  await expect(cell).toHaveText('PRO · 4,321 left');
});

test('a pasted account whose first read fails goes from "Reading…" back to the dash', async ({ page, tray }) => {
  tray.sim.setSiteDelay(1_000);
  // The reader tries once more with the site's router state before it gives up: both calls fail.
  tray.sim.scriptSiteReply('Internal Server Error', 500);
  tray.sim.scriptSiteReply('Internal Server Error', 500);
  await addAccount(page, tray.sim.addUser(), 'Pasted');
  const cell = await cellUnder(page, /Pasted/, 'Credits');
  await expect(cell).toHaveText('Reading…');
  await expect(cell).toHaveText('—');
  await expect(cell.getByText('—')).toHaveAttribute('title', `Not read from ${new URL(tray.sim.siteUrl).host} yet`);
});
