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

/**
 * How each e-mail address in the open dialog, else the page, is laid out over lines; runs in the page. An address
 * broken after its "@" ("rate.limited@" over "example.test") or with its domain split though the domain fits the box
 * ("example-fake-domain." over "test") reads badly; each is a problem here.
 */
function addressBreaks(): { checked: number; problems: string[] } {
  const root = document.querySelector('dialog[open]') ?? document.body;
  const problems: string[] = [];
  let checked = 0;
  const range = document.createRange();
  for (const el of root.querySelectorAll<HTMLElement>('.account-name, .account-email, .email')) {
    const text = el.textContent ?? '';
    const at = text.lastIndexOf('@');
    if (at <= 0 || /\s/.test(text.trim()) || el.querySelector('.email')) continue;
    checked++;
    // Each character's line, by its box's top, walking the text nodes (<wbr> splits the address into several).
    const tops: number[] = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode())
      for (let i = 0; i < (node.textContent ?? '').length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        tops.push(Math.round(range.getBoundingClientRect().top));
      }
    if (tops[at] !== tops[at + 1]) problems.push(`"${text}" breaks after its "@"`);
    range.selectNodeContents(el);
    const domain = document.createElement('span');
    domain.textContent = text.slice(at);
    domain.style.cssText = 'position:absolute;white-space:nowrap;visibility:hidden';
    el.append(domain);
    const fits = domain.getBoundingClientRect().width <= el.getBoundingClientRect().width;
    domain.remove();
    if (fits && new Set(tops.slice(at)).size > 1) problems.push(`"${text}": its domain is split though it fits`);
  }
  return { checked, problems };
}

test('an e-mail address wraps before its "@" and keeps a domain that fits on one line, at every zoom', async ({
  page,
  tray,
}) => {
  test.setTimeout(90_000);
  await addAccount(page, tray.sim.addUser({ email: 'rate.limited@example.test' }), 'Short');
  const email = 'a.very.long.name.for.testing@example-fake-domain.test';
  await addAccount(page, tray.sim.addUser({ email }));
  await addAccount(
    page,
    tray.sim.addUser({ email: 'another.quite.long.fake.address@subdomain.example-fake-domain.test' }),
    'Named',
  );
  // The desktop window's 1120 px at 100, 150 and 200% zoom, and the 360 px popover at 200%.
  for (const width of [1120, 747, 560, 180]) {
    await page.setViewportSize({ width, height: 700 });
    expect.soft(await page.evaluate(addressBreaks), `Accounts at ${width} px`).toEqual({ checked: 3, problems: [] });
    await page.getByRole('button', { name: `Remove ${email}` }).click();
    expect
      .soft(await page.evaluate(addressBreaks), `Remove account at ${width} px`)
      .toEqual({ checked: 1, problems: [] });
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toBeHidden();
  }
  // The address wrapped is still one run of text: copied or read aloud whole.
  await expect(page.getByRole('rowheader', { name: email })).toHaveText(email);
});
