import { reply, sse } from '../sim/orchids-simulator';
import { addAccount, expect, goTo, screenshot, test } from './fixtures';

test('Test on a row runs one request step by step and says what works, keeping focus while it runs', async ({
  page,
  tray,
}) => {
  const user = tray.sim.addUser();
  await addAccount(page, user, 'Work');
  // The service speaks only Generation B over SSE now, and slowly enough to see the test running.
  tray.sim.setProtocols({ ws: false });
  tray.sim.onAgentRequest((req) => (req.protocol === 'sse-b' ? sse([{ delayMs: 700 }, ...reply('OK')]) : undefined));
  const agentRequestsBefore = tray.sim.requests.length;

  await goTo(page, 'Accounts');
  const row = page.getByRole('row', { name: /Work/ });
  const opener = row.getByRole('button', { name: 'Test Work' });
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Test Work' });
  const run = dialog.getByRole('button', { name: 'Run test' });
  // Nothing is sent until the person says so: a test costs the account a one-word reply.
  await expect(run).toBeFocused();
  expect(tray.sim.requests.length).toBe(agentRequestsBefore);

  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('status')).toHaveText('Testing Work…');
  await expect(run).toBeFocused();
  await expect(run).toHaveAttribute('aria-busy', 'true');
  await page.keyboard.press('Enter'); // ignored while the test runs
  await screenshot(page, 'account-test-running');

  await expect(dialog.getByRole('status')).toContainText('Works over sse-b: the Orchids agent answered in');
  const steps = dialog.getByRole('listitem');
  await expect(steps).toHaveCount(4);
  await expect(steps.nth(0)).toContainText('Sign-in (Clerk)OK');
  await expect(steps.nth(1)).toContainText('wsNot here');
  await expect(steps.nth(1)).toContainText('HTTP 404');
  await expect(steps.nth(2)).toContainText('sse-bAnswered');
  await expect(steps.nth(2)).toContainText('Reply: “OK”');
  await expect(steps.nth(3)).toContainText('sse-aSkipped');
  await expect(steps.nth(3)).toContainText('not tried: sse-b answered');
  // The second Enter sent nothing: one request reached the agent (the ws upgrade was refused before it).
  expect(tray.sim.requests.slice(agentRequestsBefore).map((r) => r.protocol)).toEqual(['sse-b']);
  const again = dialog.getByRole('button', { name: 'Test again' });
  await expect(again).toBeFocused();
  await screenshot(page, 'account-test-done');

  // Copy puts the result on the clipboard as the CLI prints it.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await dialog.getByRole('button', { name: 'Copy test result' }).click();
  await expect(dialog.getByRole('button', { name: 'Copy test result' })).toHaveText('Copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied.split('\n')[0]).toBe('Account 1 (Work), model claude-sonnet-4-6, upstreamProtocol auto:');
  expect(copied).toMatch(/^ {2}sse-b {4}answered {2}the agent replied \(end_turn\) in \d+ ms/m);
  expect(copied.trimEnd().split('\n').at(-1)).toMatch(/^Works over sse-b/);
  await again.focus();

  // In a tray popover's width the dialog's buttons wrap rather than run past its edge.
  await page.setViewportSize({ width: 360, height: 800 });
  const box = (await dialog.boundingBox())!;
  for (const name of ['Copy test result', 'Close', 'Try all protocols', 'Test again']) {
    const button = (await dialog.locator('.dialog-footer').getByRole('button', { name, exact: true }).boundingBox())!;
    expect(button.x + button.width, `${name}'s right edge`).toBeLessThanOrEqual(box.x + box.width);
  }
  await screenshot(page, 'account-test-narrow');
  await page.setViewportSize({ width: 1280, height: 800 });

  // Counted nowhere: the row still shows no requests and no protocol learnt.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
  await expect(row.getByRole('cell').nth(2)).toHaveText('0');
  await expect(row.getByText(/^via /)).toHaveCount(0);
});

test('a test that finds nothing says where to look', async ({ page, tray }) => {
  await addAccount(page, tray.sim.addUser(), 'Home');
  tray.sim.setProtocols({ ws: false, sseB: false, sseA: false });
  await page.getByRole('row', { name: /Home/ }).getByRole('button', { name: 'Test Home' }).click();
  const dialog = page.getByRole('dialog', { name: 'Test Home' });
  await dialog.getByRole('button', { name: 'Try all protocols' }).click();
  await expect(dialog.getByRole('status')).toContainText('no Orchids agent answered');
  await expect(dialog.getByRole('status')).toContainText('ORCHIDS_AGENT_WS_URL');
  await expect(dialog.getByRole('listitem').filter({ hasText: 'Not here' })).toHaveCount(3);
});

test('"Test it" right after adding an account opens its test, and closing it returns to Add account', async ({
  page,
  tray,
}) => {
  const user = tray.sim.addUser();
  await goTo(page, 'Accounts');
  const opener = page.getByRole('button', { name: 'Add account', exact: true });
  await opener.click();
  const add = page.getByRole('dialog', { name: 'Add account' });
  await add.getByLabel('Cookie', { exact: true }).fill(user.clientCookie);
  await add.getByLabel('Name (optional)').fill('Fresh');
  await add.getByRole('button', { name: 'Add account' }).click();
  await add.getByRole('button', { name: 'Test it' }).click();
  await expect(add).toBeHidden();

  const test = page.getByRole('dialog', { name: 'Test Fresh' });
  await expect(test.getByRole('button', { name: 'Run test' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(test.getByRole('status')).toContainText('Works over ws');
  await page.keyboard.press('Escape');
  await expect(test).toBeHidden();
  await expect(opener).toBeFocused();
});
