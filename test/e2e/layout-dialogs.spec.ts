import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, goTo, test } from './fixtures';
import { measure, MODEL_IDS } from './fit';
import { chooseTheme, seedShowcase, type Theme } from './showcase';

const LONG_ADDRESS = 'someone.with.a.rather.long.address@engineering.example.test';

interface Opening {
  name: string;
  /** Opens the dialog, in the state worth measuring, from wherever the last one left the window. */
  open: (page: Page) => Promise<void>;
}

/**
 * Every dialog the window has, each with the longest thing it shows in the showcase: the long address, the core's
 * longest refusal, a failed request's reason, an account test's four steps.
 */
function openings(importFile: string): Opening[] {
  const dialog = (page: Page) => page.getByRole('dialog');
  const onAccounts = async (page: Page, button: string) => {
    await goTo(page, 'Accounts');
    await page.getByRole('button', { name: button, exact: true }).click();
  };
  const onSettings = async (page: Page, button: string) => {
    await goTo(page, 'Settings');
    await page.getByRole('button', { name: button, exact: true }).click();
  };
  return [
    { name: 'Add account', open: (page) => onAccounts(page, 'Add account') },
    {
      name: 'Add account, refused',
      open: async (page) => {
        await onAccounts(page, 'Add account');
        await dialog(page).getByLabel('Cookie', { exact: true }).fill('not a cookie at all');
        await dialog(page).getByRole('button', { name: 'Add account' }).click();
        await expect(dialog(page).getByRole('alert')).toBeVisible();
      },
    },
    { name: 'Edit account', open: (page) => onAccounts(page, 'Edit Work') },
    {
      name: 'Test account, done',
      open: async (page) => {
        await onAccounts(page, 'Test Work');
        await dialog(page).getByRole('button', { name: 'Run test' }).click();
        await expect(dialog(page).getByRole('button', { name: 'Test again' })).toBeVisible();
      },
    },
    {
      name: 'Remove account',
      open: async (page) => {
        await onAccounts(page, 'Remove Work');
        await expect(dialog(page)).toContainText('engineering.example.test stops taking requests');
      },
    },
    { name: 'Export accounts', open: (page) => onAccounts(page, 'Export') },
    {
      name: 'Import accounts, with a failure',
      open: async (page) => {
        await goTo(page, 'Accounts');
        const choosing = page.waitForEvent('filechooser');
        await page.getByRole('button', { name: 'Import', exact: true }).click();
        await (await choosing).setFiles(importFile);
        await expect(dialog(page)).toContainText(`${LONG_ADDRESS}: no cookie in this entry`);
      },
    },
    {
      name: 'Failed request',
      open: async (page) => {
        await goTo(page, 'Logs');
        await page
          .getByRole('button', { name: /^Open request req_/ })
          .last()
          .click();
        await expect(dialog(page)).toContainText('No Orchids account can take this request');
      },
    },
    { name: 'Rotate install token', open: (page) => onSettings(page, 'Rotate install token') },
    {
      name: 'Reset model mapping',
      open: async (page) => {
        await goTo(page, 'Settings');
        await page.getByRole('textbox', { name: 'Upstream model, row 1', exact: true }).fill('claude-sonnet-4-5');
        await page.getByRole('button', { name: 'Reset to default' }).click();
      },
    },
    {
      name: 'Replace API key',
      open: async (page) => {
        await goTo(page, 'Settings');
        await expect(page.getByRole('button', { name: /^Generate (new )?key$/ })).toBeVisible();
        // The first key is made without asking (there is nothing to replace); the second asks.
        const first = page.getByRole('button', { name: 'Generate key', exact: true });
        if (await first.isVisible()) await first.click();
        await page.getByRole('button', { name: 'Generate new key', exact: true }).click();
      },
    },
    { name: 'Clear API key', open: (page) => onSettings(page, 'Clear key') },
  ];
}

/**
 * In a tray popover's width every dialog fits: nothing outside it or the window, nothing overlapping, nothing
 * scrolling sideways (a code block scrolls in its own box). The remove confirmation ran the long address out of its
 * box, and the whole dialog scrolled sideways.
 */
test('every dialog fits a 360 px window in both themes', async ({ page, tray }, testInfo) => {
  test.setTimeout(90_000);
  await seedShowcase(page, tray);
  const importFile = testInfo.outputPath('import.json');
  fs.writeFileSync(importFile, JSON.stringify({ accounts: [{ email: LONG_ADDRESS, cookie: '' }] }));
  for (const theme of ['light', 'dark'] as Theme[]) {
    await page.setViewportSize({ width: 1280, height: 800 });
    await chooseTheme(page, theme);
    await page.setViewportSize({ width: 360, height: 800 });
    for (const { name, open } of openings(importFile)) {
      await test.step(`${name}, ${theme}`, async () => {
        await open(page);
        const dialog = page.getByRole('dialog');
        await expect(dialog).toBeVisible();
        await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
        const { problems } = await page.evaluate(measure, MODEL_IDS);
        expect.soft(problems, `${name} at 360 px, ${theme}`).toEqual([]);
        await page.keyboard.press('Escape');
        await expect(dialog).toBeHidden();
      });
    }
  }
});
