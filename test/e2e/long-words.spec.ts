import type { Locator, Page } from '@playwright/test';
import { addAccount, expect, goTo, test } from './fixtures';
import { measure, MODEL_IDS } from './fit';

/**
 * Words longer than the usual ones, from Orchids (a reason quoting its answer), the person (an account named by a long
 * e-mail) or the app (a state with a time in it): a run with no space in it set a table column's narrowest width, and
 * at 1280 px the table grew past the window with the row's switch, Edit and Remove off-screen; a state that could not
 * wrap ran past a tray popover's edge. `mustShow` is the control or words the overflow put out of sight.
 */
async function fitsAtEveryWidth(page: Page, mustShow: Locator): Promise<void> {
  for (const width of [1280, 800, 360]) {
    await page.setViewportSize({ width, height: 860 });
    const { problems } = await page.evaluate(measure, MODEL_IDS);
    expect(problems, `at ${width} px`).toEqual([]);
    await expect(mustShow).toBeInViewport({ ratio: 1 });
  }
}

test("a failing account's reason with a long unbroken run wraps in its column: nothing goes off-screen", async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Failing one');
  // JSON holds such runs (a trace id, a URL).
  const trace = 'abcdef0123456789'.repeat(6);
  tray.sim.refuseUpgrades(500, `{"error":{"type":"internal","trace":"${trace}"}}`);
  await expect(tray.send(1)).rejects.toThrow();
  tray.sim.refuseUpgrades(undefined);
  const row = page.getByRole('row', { name: /Failing one/ });
  await expect(row.getByText(trace)).toBeVisible();
  await fitsAtEveryWidth(page, row.getByRole('button', { name: 'Remove Failing one' }));
});

test('an account added without a name, named by its long e-mail, wraps in its column: nothing goes off-screen', async ({
  page,
  tray,
}) => {
  const email = 'someone.with.a.rather.long.address.indeed@engineering.example.test';
  await addAccount(page, tray.sim.addUser({ email }));
  const row = page.getByRole('row', { name: new RegExp(email) });
  await expect(row.getByRole('rowheader')).toHaveText(email);
  await fitsAtEveryWidth(page, row.getByRole('button', { name: `Remove ${email}` }));
});

test("the Overview's proxy state with a time in it wraps in a tray popover instead of running past its edge", async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Only');
  tray.sim.refuseUpgrades(500, 'Internal error');
  await expect(tray.send(1)).rejects.toThrow();
  tray.sim.refuseUpgrades(undefined);
  await goTo(page, 'Overview');
  const state = page.locator('.proxy-state .badge');
  await expect(state).toHaveText(/^Orchids is not answering; trying again at \d{1,2}:\d{2}/);
  await fitsAtEveryWidth(page, state);
});
