import type { Page } from '@playwright/test';
import { addAccount, expect, goTo, type Tray } from './fixtures';

export const VIEWS = ['Overview', 'Accounts', 'Logs', 'Settings'] as const;
export type ViewName = (typeof VIEWS)[number];
export type Theme = 'light' | 'dark';

/** How long the showcase's 429 asks the rate-limited account to rest (its Retry-After). */
export const SHOWCASE_REST_SECONDS = 3600;

/**
 * A window with something in every view, shared by the layout tests and the README screenshots: three accounts
 * (one with a long e-mail, one cooling down for an hour), successful requests, a remapped model and a failed request.
 * The failure comes first, while the rate-limited account is the only one, so the proxy has nowhere else to go.
 */
export async function seedShowcase(page: Page, tray: Tray): Promise<void> {
  await addAccount(page, tray.sim.addUser({ email: 'rate.limited@example.test' }), 'Rate-limited');
  tray.sim.refuseUpgrades(429, 'Too many requests', { 'retry-after': String(SHOWCASE_REST_SECONDS) });
  await expect(tray.send(1)).rejects.toThrow();
  tray.sim.refuseUpgrades(undefined);
  await expect(page.getByRole('row', { name: /Rate-limited/ }).getByText('Cooling down')).toBeVisible();

  await addAccount(
    page,
    tray.sim.addUser({ email: 'someone.with.a.rather.long.address@engineering.example.test' }),
    'Work',
  );
  await addAccount(page, tray.sim.addUser({ email: 'user3@example.test' }), 'Personal');
  await tray.send(3);
  // Credits as the site tells them: the widest figure a plan has, so the layout is measured with it.
  for (const [email, plan, credits] of [
    ['someone.with.a.rather.long.address@engineering.example.test', 'PREMIUM', 3_999_999],
    ['user3@example.test', 'FREE', 150_000],
  ] as const) {
    tray.sim.setCredits(tray.sim.userByEmail(email)!.userId, { plan, credits });
  }
  await page.getByRole('button', { name: 'Check credits' }).click();
  await expect(page.getByText('PREMIUM · 3,999,999 left')).toBeVisible();
  // A requested model the map sends elsewhere (by its claude-opus-* row): the Logs row shows both names.
  await tray.client().messages.create({
    model: 'claude-opus-4-8',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'Hello, mapped' }],
  });
  await goTo(page, 'Logs');
  await expect(page.getByRole('button', { name: /^Open request req_/ })).toHaveCount(5);
}

/** Picks a theme with the window's own switcher, which every width shows. */
export async function chooseTheme(page: Page, theme: Theme): Promise<void> {
  await page.getByRole('button', { name: theme === 'dark' ? 'Dark theme' : 'Light theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

/** Waits for what each view loads after it appears, so a measurement or a picture sees the finished view. */
export async function settle(page: Page, view: ViewName): Promise<void> {
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  if (view === 'Logs') await expect(page.getByRole('button', { name: /^Open request req_/ }).first()).toBeVisible();
  if (view === 'Settings') await expect(page.getByRole('button', { name: /^Remove mapping/ }).first()).toBeAttached();
}
