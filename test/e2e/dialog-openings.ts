import fs from 'node:fs';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { expect, goTo, test } from './fixtures';

/** Every dialog the window has and how to open each, shared by the dialogs' layout tests at 360 and 180 px. */

export const LONG_ADDRESS = 'someone.with.a.rather.long.address@engineering.example.test';

export interface Opening {
  name: string;
  /** Opens the dialog, in the state worth measuring, from wherever the last one left the window. */
  open: (page: Page) => Promise<void>;
}

/**
 * Every dialog the window has, each with the longest thing it shows in the showcase: the long address, the core's
 * longest refusal, a failed request's reason, an account test's four steps.
 */
export function openings(importFile: string): Opening[] {
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
 * Opens every dialog in turn, each in a step named by `stepName`, runs `check` once it is open and no button in the
 * window is busy, and closes it with Escape before the next. The import file its Import opening picks is written
 * here: one entry with the long address and no cookie, so that dialog shows its failure.
 */
export async function inEachDialog(
  page: Page,
  testInfo: TestInfo,
  stepName: (name: string) => string,
  check: (name: string, dialog: Locator) => Promise<void>,
): Promise<void> {
  const importFile = testInfo.outputPath('import.json');
  fs.writeFileSync(importFile, JSON.stringify({ accounts: [{ email: LONG_ADDRESS, cookie: '' }] }));
  for (const { name, open } of openings(importFile)) {
    await test.step(stepName(name), async () => {
      await open(page);
      const dialog = page.getByRole('dialog');
      await expect(dialog).toBeVisible();
      await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
      await check(name, dialog);
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
    });
  }
}
