import type { Page } from '@playwright/test';
import { addAccount, expect, goTo, openNewestRequest, test } from './fixtures';

const INTERACTIVE = new Set([
  'button',
  'link',
  'textbox',
  'combobox',
  'switch',
  'checkbox',
  'tab',
  'spinbutton',
  'searchbox',
  'listbox',
  'radio',
]);

interface AXNode {
  ignored: boolean;
  role?: { value: string };
  name?: { value: string };
  properties?: Array<{ name: string; value: { value: unknown } }>;
}

/** Every interactive node Chromium exposes, with the accessible name it computed; the unnamed ones fail. */
async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AXNode[] };
  await cdp.detach();
  return nodes
    .filter((n) => !n.ignored && INTERACTIVE.has(n.role?.value ?? '') && !String(n.name?.value ?? '').trim())
    .map((n) => `${n.role?.value} (unnamed)`);
}

test('every control in every view has an accessible name', async ({ page, tray }) => {
  await addAccount(page, tray.sim.addUser(), 'Named');
  await tray.send(1);
  for (const view of ['Overview', 'Accounts', 'Logs', 'Settings'] as const) {
    await goTo(page, view);
    await expect(page.getByRole('heading', { level: 1, name: view })).toBeFocused(); // focus follows navigation
    expect(await unnamedControls(page), `unnamed controls in ${view}`).toEqual([]);
  }
  await goTo(page, 'Overview');
  await page.getByRole('button', { name: 'Diagnostics', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Copy diagnostics' })).toBeVisible();
  expect(await unnamedControls(page), 'unnamed controls in the open Diagnostics').toEqual([]);
  await goTo(page, 'Accounts');
  await page.getByRole('button', { name: 'Add account', exact: true }).click();
  expect(await unnamedControls(page), 'unnamed controls in the Add account dialog').toEqual([]);
  await page.keyboard.press('Escape');
  await openNewestRequest(page);
  expect(await unnamedControls(page), 'unnamed controls in the request dialog').toEqual([]);
});
