import { addAccount, expect, goTo, test } from './fixtures';

/**
 * The two roughest edges met walking the window as a newcomer does, in the order one meets them (walk-edges.spec.ts
 * and walk-edges-2.spec.ts hold earlier walks): a first request the proxy could not read left Logs waiting for a row
 * that never comes, and a setting typed in and left (for another view) was dropped without a word, under a heading
 * that said changes apply at once.
 */

test('Logs says a request the proxy could not read is answered 400 and not listed', async ({ page, tray }) => {
  await addAccount(page, tray.sim.addUser(), 'Work');
  // A newcomer's first curl, with max_tokens left out, as OpenAI's API allows and Anthropic's does not.
  const answer = await fetch(`${tray.proxyUrl}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(answer.status).toBe(400);
  await goTo(page, 'Logs');
  const empty = page.locator('.empty-state');
  await expect(empty).toContainText('No requests yet');
  // Before: only "Requests appear here as soon as a client sends one", and this one never would.
  await expect(empty).toContainText(
    'A request the proxy cannot read (a missing max_tokens, a wrong field) is answered 400 with the reason, at once, ' +
      'and not listed.',
  );
  // Filtered, the list's emptiness is the filters' doing: the note would only be noise.
  await page.getByLabel('Outcome').selectOption('Errors');
  await expect(empty).toContainText('No requests match these filters');
  await expect(empty).not.toContainText('answered 400');
});

test('a setting typed in and left for another view is saved, not dropped', async ({ page }) => {
  await goTo(page, 'Settings');
  const days = page.getByLabel('Request history age limit', { exact: true });
  await days.fill('14');
  // Before: the draft went with the view, and Settings showed 30 again.
  await goTo(page, 'Logs');
  await goTo(page, 'Settings');
  await expect(page.getByLabel('Request history age limit', { exact: true })).toHaveValue('14');
  await page.reload();
  await expect(page.getByLabel('Request history age limit', { exact: true })).toHaveValue('14');

  // Leaving by Tab saves too, and says so; Tab onto the field's own Save button does not save twice or early.
  const form = page.locator('form.setting').filter({ has: days });
  await days.fill('21');
  await days.press('Tab');
  await expect(form.getByRole('button', { name: 'Save Request history age limit' })).toBeFocused();
  await expect(form.getByRole('status')).toHaveText('');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(form.getByRole('status')).toHaveText('Saved');
  await page.reload();
  await expect(page.getByLabel('Request history age limit', { exact: true })).toHaveValue('21');

  // A wrong value left behind is not saved: it says what is wrong, as before.
  await days.fill('-3');
  await goTo(page, 'Logs');
  await goTo(page, 'Settings');
  await expect(page.getByLabel('Request history age limit', { exact: true })).toHaveValue('21');
  // The heading says when a change is saved, as the fields now do.
  await expect(page.getByText(/saved when you leave its field/)).toBeVisible();
});
