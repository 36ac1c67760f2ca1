import type { Page } from '@playwright/test';
import type { StatsView } from '../../contract/request-views';
import { linesOf } from './fit';
import { addAccount, addSwitchedOffAccount, expect, goTo, SETUP_AGENTS, test } from './fixtures';

test('the Claude Code line gives a placeholder key while none is set, and asks for yours once one is', async ({
  page,
}) => {
  const snippet = page.getByRole('tabpanel', { name: 'Claude Code' });
  await expect(snippet).toContainText('ANTHROPIC_API_KEY=not-needed CLAUDE_CODE_ENABLE_TASKS=false claude');
  await expect(snippet).not.toContainText('<your API key>');

  await goTo(page, 'Settings');
  await page.getByRole('button', { name: 'Generate key' }).click();
  await expect(page.getByLabel(/Your new API key/)).toHaveValue(/^ot-/);
  await goTo(page, 'Overview');
  await expect(snippet).toContainText('ANTHROPIC_API_KEY=<your API key> CLAUDE_CODE_ENABLE_TASKS=false claude');
  await expect(snippet).not.toContainText('not-needed');
});

test('the Codex CLI tab gives a config.toml for this proxy, with the catalog Claude ids need for apply_patch', async ({
  page,
}) => {
  await page.getByRole('tab', { name: 'Codex CLI' }).click();
  const snippet = page.getByRole('tabpanel', { name: 'Codex CLI' });
  const url = new URL(page.url()).origin;
  await expect(snippet).toContainText(`base_url = "${url}/v1"`);
  await expect(snippet).toContainText(`model_catalog_url = "${url}/v1/models"`);
  await expect(snippet).toContainText('wire_api = "responses"');
  await expect(snippet).toContainText('ORCHIDS_TRAY_API_KEY=not-needed codex');
});

test('a setup line too long for the card scrolls in a box ending where Copy begins: Copy hides none of it', async ({
  page,
}) => {
  // Wide enough to keep Copy over the code's corner (a narrow card moves it under the code), too narrow for the line.
  await page.setViewportSize({ width: 800, height: 860 });
  const code = page.getByRole('tabpanel', { name: 'Claude Code' }).getByLabel('Claude Code setup', { exact: true });
  const copy = page.getByRole('button', { name: 'Copy Claude Code setup' });
  const scroller = await code.evaluate((pre) => {
    const box = pre.getBoundingClientRect();
    // Where the scrolled text shows: the box's inside, whatever padding it keeps at the end of the line.
    return { overflows: pre.scrollWidth > pre.clientWidth, shownUpTo: box.left + pre.clientLeft + pre.clientWidth };
  });
  const copyBox = (await copy.boundingBox())!;
  expect(scroller.overflows).toBe(true);
  expect(copyBox.y).toBeLessThan((await code.boundingBox())!.y + 20);
  expect(scroller.shownUpTo).toBeLessThanOrEqual(copyBox.x);
});

/** The setup tabs shown, by accessible name (a narrow card shows some shorter). */
function tabNames(page: Page): Promise<Array<string | null>> {
  return page.getByRole('tab').evaluateAll((tabs) => tabs.map((tab) => tab.getAttribute('aria-label')));
}

test('each coding agent the README covers has a tab, with this proxy in the setup the real-client tests run', async ({
  page,
}) => {
  const url = new URL(page.url()).origin;
  const agents = page.getByRole('button', { name: 'Coding agents' });
  await expect(agents).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => tabNames(page)).toEqual(SETUP_AGENTS);

  await page.getByRole('tab', { name: 'opencode' }).click();
  const opencode = page.getByRole('tabpanel', { name: 'opencode' });
  await expect(opencode).toContainText('~/.config/opencode/opencode.json');
  await expect(opencode).toContainText('"npm": "@ai-sdk/anthropic"');
  await expect(opencode).toContainText(`"options": { "baseURL": "${url}/v1", "apiKey": "not-needed" }`);
  await expect(opencode).toContainText('"model": "orchids-tray/claude-sonnet-4-6"');

  // Kilo Code's CLI, opencode's fork, takes opencode's file whole, in its own folder.
  await page.getByRole('tab', { name: 'Kilo Code CLI' }).click();
  const kilo = page.getByRole('tabpanel', { name: 'Kilo Code CLI' });
  await expect(kilo).toContainText('~/.config/kilo/kilo.json');
  await expect(kilo).toContainText('"npm": "@ai-sdk/anthropic"');
  await expect(kilo).toContainText(`"options": { "baseURL": "${url}/v1", "apiKey": "not-needed" }`);
  await expect(kilo).toContainText('KILO_TELEMETRY_LEVEL=off kilo run "…"');

  await page.getByRole('tab', { name: 'Cline CLI' }).click();
  const cline = page.getByRole('tabpanel', { name: 'Cline CLI' });
  await expect(cline).toContainText('cline auth anthropic -k not-needed -m claude-sonnet-4-6');
  await expect(cline).toContainText(`"baseUrl": "${url}/v1"`);
  await expect(cline).toContainText(`cline auth openai-compatible -k not-needed -m claude-sonnet-4-6 -b ${url}/v1`);
  await expect(cline).toContainText('cline -P openai-compatible');

  await page.getByRole('tab', { name: 'Continue CLI' }).click();
  const cont = page.getByRole('tabpanel', { name: 'Continue CLI' });
  await expect(cont).toContainText('provider: anthropic');
  await expect(cont).toContainText(`apiBase: ${url}/v1/`);
  await expect(cont).toContainText('apiKey: not-needed');

  await page.getByRole('tab', { name: 'Qwen Code' }).click();
  const qwen = page.getByRole('tabpanel', { name: 'Qwen Code' });
  await expect(qwen).toContainText('~/.qwen/settings.json');
  await expect(qwen).toContainText('"security": { "auth": { "selectedType": "openai" } }');
  await expect(qwen).toContainText(`OPENAI_BASE_URL=${url}/v1 OPENAI_API_KEY=not-needed qwen`);

  await page.getByRole('tab', { name: 'pi', exact: true }).click();
  const pi = page.getByRole('tabpanel', { name: 'pi', exact: true });
  await expect(pi).toContainText('~/.pi/agent/models.json');
  // The Messages provider's URL without /v1 (pi adds /v1/messages), the Chat Completions one with it.
  await expect(pi).toContainText(`"baseUrl": "${url}",`);
  await expect(pi).toContainText(`"baseUrl": "${url}/v1",`);
  await expect(pi).toContainText(
    'ORCHIDS_TRAY_API_KEY=not-needed pi --offline --provider orchids --model claude-sonnet-4-6',
  );

  // The SDKs and curl are one switch away, and the agents' tab is still the one chosen on the way back.
  await page.getByRole('button', { name: 'Code', exact: true }).click();
  await expect(agents).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => tabNames(page)).toEqual(['TypeScript SDK', 'Python SDK', 'OpenAI-compatible', 'curl']);
  await expect(page.getByRole('tabpanel', { name: 'TypeScript SDK' })).toContainText(`baseURL: '${url}'`);
  await agents.click();
  await expect(page.getByRole('tab', { name: 'pi', exact: true })).toHaveAttribute('aria-selected', 'true');

  // With a key set, each asks for it in the key's place.
  await goTo(page, 'Settings');
  await page.getByRole('button', { name: 'Generate key' }).click();
  await expect(page.getByLabel(/Your new API key/)).toHaveValue(/^ot-/);
  await goTo(page, 'Overview');
  const keyed: Array<[string, string[]]> = [
    ['opencode', [`"baseURL": "${url}/v1", "apiKey": "<your API key>"`]],
    [
      'Cline CLI',
      [
        'cline auth anthropic -k <your API key> -m claude-sonnet-4-6',
        `-k <your API key> -m claude-sonnet-4-6 -b ${url}/v1`,
      ],
    ],
    ['Continue CLI', ['apiKey: <your API key>']],
    ['Kilo Code CLI', [`"baseURL": "${url}/v1", "apiKey": "<your API key>"`]],
    ['Qwen Code', [`OPENAI_BASE_URL=${url}/v1 OPENAI_API_KEY=<your API key> qwen`]],
    ['pi', ['ORCHIDS_TRAY_API_KEY=<your API key> pi --offline']],
  ];
  for (const [name, lines] of keyed) {
    await page.getByRole('tab', { name, exact: true }).click();
    const panel = page.getByRole('tabpanel', { name, exact: true });
    for (const line of lines) await expect(panel).toContainText(line);
    await expect(panel).not.toContainText('not-needed');
  }
});

test("each block's Copy puts that block alone on the clipboard: a file to save apart from the command to run", async ({
  page,
}) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const url = new URL(page.url()).origin;
  const clipboard = (): Promise<string> => page.evaluate(() => navigator.clipboard.readText());
  // The blocks of each tab that holds a file and a command (or more), by the accessible names of their Copy buttons.
  const blocks: Array<[string, string[]]> = [
    ['Codex CLI', ['config.toml', 'command']],
    ['opencode', ['opencode.json', 'command']],
    ['Kilo Code CLI', ['kilo.json', 'command']],
    [
      'Cline CLI',
      ['Anthropic sign-in command', 'providers.json line', 'Anthropic command', 'OpenAI Compatible commands'],
    ],
    ['Continue CLI', ['config.yaml', 'command']],
    ['Qwen Code', ['settings.json', 'command']],
    ['pi', ['models.json', 'command']],
  ];
  for (const [name, parts] of blocks) {
    await page.getByRole('tab', { name, exact: true }).click();
    const panel = page.getByRole('tabpanel', { name, exact: true });
    await expect(panel.getByRole('button', { name: /^Copy / })).toHaveText(parts.map(() => 'Copy'));
    for (const part of parts) {
      const copy = panel.getByRole('button', { name: `Copy ${name} ${part}`, exact: true });
      await copy.click();
      await expect(copy).toHaveText('Copied');
      const code = panel.getByLabel(`${name} ${part}`, { exact: true });
      expect(await clipboard(), `${name} ${part}`).toBe(await code.textContent());
    }
  }

  // Qwen's file is JSON Qwen can read, and its command no line of it: the paste that had Qwen set the file aside
  // as settings.json.corrupted.
  await page.getByRole('tab', { name: 'Qwen Code' }).click();
  const qwen = page.getByRole('tabpanel', { name: 'Qwen Code' });
  await expect(qwen.getByText('Save as ~/.qwen/settings.json', { exact: true })).toBeVisible();
  await qwen.getByRole('button', { name: 'Copy Qwen Code settings.json' }).click();
  expect(JSON.parse(await clipboard())).toMatchObject({ security: { auth: { selectedType: 'openai' } } });
  await qwen.getByRole('button', { name: 'Copy Qwen Code command' }).click();
  expect(await clipboard()).toBe(`OPENAI_BASE_URL=${url}/v1 OPENAI_API_KEY=not-needed qwen`);

  // Codex's file is the TOML alone, its command the line to run.
  await page.getByRole('tab', { name: 'Codex CLI' }).click();
  await page.getByRole('button', { name: 'Copy Codex CLI config.toml' }).click();
  const toml = await clipboard();
  expect(toml.startsWith('model = "claude-sonnet-4-6"\n')).toBe(true);
  expect(toml).toContain(`base_url = "${url}/v1"`);
  expect(toml).not.toContain('codex\n');
  await page.getByRole('button', { name: 'Copy Codex CLI command' }).click();
  expect(await clipboard()).toBe('ORCHIDS_TRAY_API_KEY=not-needed codex');

  // A tab of one part keeps one block and one Copy, named as before.
  await page.getByRole('tab', { name: 'Claude Code' }).click();
  const claude = page.getByRole('tabpanel', { name: 'Claude Code' });
  await expect(claude.getByRole('button', { name: /^Copy / })).toHaveCount(1);
  await claude.getByRole('button', { name: 'Copy Claude Code setup' }).click();
  expect(await clipboard()).toBe(await claude.getByLabel('Claude Code setup', { exact: true }).textContent());
});

test('the card opens on the tab chosen last, after another view and after a restart of the window', async ({
  page,
}) => {
  const selected = (name: string) => expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
  await selected('Claude Code');
  await page.getByRole('tab', { name: 'Codex CLI' }).click();
  await goTo(page, 'Accounts');
  await goTo(page, 'Overview');
  await selected('Codex CLI');
  await page.reload();
  await selected('Codex CLI');
  await expect(page.getByRole('tabpanel', { name: 'Codex CLI' })).toContainText('wire_api = "responses"');

  // The kind of client comes back with its tab: the SDK chosen last, under Code.
  await page.getByRole('button', { name: 'Code', exact: true }).click();
  await page.getByRole('tab', { name: 'Python SDK' }).click();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Code', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await selected('Python SDK');
  // Switching kinds alone is remembered too, with the tab that kind had.
  await page.getByRole('button', { name: 'Coding agents' }).click();
  await page.reload();
  await selected('Codex CLI');
});

test('arrow keys, Home and End move through the tabs of the kind of client shown, and wrap', async ({ page }) => {
  const tab = (name: string) => page.getByRole('tab', { name, exact: true });
  await tab('Claude Code').focus();
  for (const name of [...SETUP_AGENTS.slice(1), 'Claude Code']) {
    await page.keyboard.press('ArrowRight');
    await expect(tab(name)).toBeFocused();
    await expect(tab(name)).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('tabpanel', { name })).toBeVisible();
  }
  await page.keyboard.press('ArrowLeft');
  await expect(tab('pi')).toBeFocused();
  await page.keyboard.press('Home');
  await expect(tab('Claude Code')).toBeFocused();
  await page.keyboard.press('End');
  await expect(tab('pi')).toBeFocused();
  // The chosen tab is the one Tab reaches: one stop for the whole list.
  await expect(page.getByRole('tab').and(page.locator('[tabindex="0"]'))).toHaveText('pi');

  await page.getByRole('button', { name: 'Code', exact: true }).click();
  await tab('TypeScript SDK').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(tab('curl')).toBeFocused();
  await expect(page.getByRole('tabpanel', { name: 'curl' })).toBeVisible();
  await page.keyboard.press('Home');
  await expect(tab('TypeScript SDK')).toBeFocused();
});

test('an hour without requests says so in the chart rather than leaving it a blank frame', async ({ page, tray }) => {
  const requests = page.getByRole('region', { name: 'Requests' });
  await expect(requests.getByText('No requests in the last hour', { exact: true })).toBeVisible();
  await addAccount(page, tray.sim.addUser());
  await tray.send(1);
  await goTo(page, 'Overview');
  await expect(requests.getByRole('img', { name: /1 in all/ })).toBeVisible();
  await expect(requests.getByText('No requests in the last hour')).toHaveCount(0);
});

test('with no account, the proxy line is itself the link to add one', async ({ page }) => {
  const proxy = page.getByRole('region', { name: 'Proxy' });
  await expect(proxy.getByText('No accounts', { exact: true })).toBeVisible();
  // Once, as a link, not a sentence followed by the same words as a link.
  await expect(proxy.getByText(/to start/)).toHaveText('Add an Orchids account to start serving requests.');
  await proxy.getByRole('link', { name: 'Add an Orchids account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Accounts' })).toBeVisible();
});

test("an account switched off reads Disabled in the Overview's list, not the Ready it would be", async ({
  page,
  tray,
}) => {
  await addSwitchedOffAccount(page, tray.sim.addUser(), 'Resting');
  await goTo(page, 'Overview');
  const item = page
    .getByRole('list', { name: 'Requests per account' })
    .getByRole('listitem')
    .filter({ hasText: 'Resting' });
  await expect(item.locator('.badge')).toHaveText('Disabled');
  // The row fades; the word that says why does not.
  expect(await item.locator('.status').evaluate((el) => getComputedStyle(el).opacity)).toBe('1');

  await goTo(page, 'Accounts');
  await page.getByRole('switch', { name: 'Enabled: Resting' }).click();
  await expect(page.getByRole('switch', { name: 'Enabled: Resting' })).toBeChecked();
  await goTo(page, 'Overview');
  await expect(item.locator('.badge')).toHaveText('Ready');
});

test("an account's count in the Overview's list says it counts since the account was added, not today", async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Counted');
  await tray.send(1);
  await goTo(page, 'Overview');
  const list = page.getByRole('list', { name: 'Requests per account' });
  const count = list.getByRole('listitem').filter({ hasText: 'Counted' }).locator('.count-value');
  await expect(count).toHaveAttribute('title', '1 request sent to it since it was added, retries included');
  expect(await list.ariaSnapshot()).toContain('1 request sent to it since it was added, retries included');
  // In sight it says one of what (a bare "1" beside "Cooling down" did not), on one line and clear of the name, in
  // a window and in a tray popover.
  const seen = await count.evaluate((el) => {
    const copy = el.cloneNode(true) as Element;
    for (const hidden of copy.querySelectorAll('.visually-hidden')) hidden.remove();
    return copy.textContent?.trim();
  });
  expect(seen).toBe('1 request');
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: 800 });
    const [name, unit, row] = await count.evaluate((el) =>
      [el.previousElementSibling?.previousElementSibling, el.querySelector('.count-unit'), el.parentElement].map(
        (e) => e!.getBoundingClientRect().toJSON() as DOMRect,
      ),
    );
    const figure = (await count.boundingBox())!;
    expect(figure.x, `the count clear of the name at ${width} px`).toBeGreaterThanOrEqual(name!.right);
    expect(unit!.right, `the unit inside the row at ${width} px`).toBeLessThanOrEqual(row!.right);
    expect(unit!.bottom - unit!.top, `the unit on one line at ${width} px`).toBeLessThan(figure.height + 1);
  }
});

test('shows the credits the enabled accounts have left between them, once any figure is known', async ({
  page,
  tray,
}) => {
  const pro = tray.sim.addUser();
  const free = tray.sim.addUser();
  const off = tray.sim.addUser();
  tray.sim.setCredits(pro.userId, { plan: 'PRO', credits: 96_571 });
  tray.sim.setCredits(free.userId, { plan: 'FREE', credits: 150_000 });
  tray.sim.setCredits(off.userId, { plan: 'FREE', credits: 1_000 });
  await addAccount(page, pro, 'Pro');
  await addAccount(page, free, 'Free');
  await addAccount(page, off, 'Off');
  await goTo(page, 'Overview');
  await expect(page.getByRole('list', { name: 'Requests per account' }).getByRole('listitem')).toHaveCount(3);
  await expect(page.getByText(/^Credits left/)).toHaveCount(0);

  await goTo(page, 'Accounts');
  await page.getByRole('button', { name: 'Check credits' }).click();
  await expect(page.getByText('FREE · 1,000 left')).toBeVisible();
  // A disabled account's credits are not there to spend.
  await page.getByRole('switch', { name: 'Enabled: Off' }).click();
  await expect(page.getByRole('switch', { name: 'Enabled: Off' })).toHaveAttribute('aria-checked', 'false');
  await goTo(page, 'Overview');
  await expect(page.getByText(/^Credits left/)).toHaveText(
    /^Credits left: 246,571 across 2 accounts, read (just now|\d+ s ago)$/,
  );
});

test("in a tray popover the bar's proxy state reads whole", async ({ page, tray }) => {
  await addAccount(page, tray.sim.addUser(), 'Only');
  await page.getByRole('switch', { name: 'Enabled: Only' }).click();
  await page.setViewportSize({ width: 420, height: 800 });
  const pill = page.getByRole('status').filter({ hasText: 'All accounts disabled' });
  await expect(pill).toBeVisible();
  const cut = await pill.locator('.proxy-pill-text').evaluate((el) => el.scrollWidth > el.clientWidth);
  expect(cut, 'the state cut short with an ellipsis').toBe(false);
});

/**
 * The core's stats, changed by `change` on their way to the window, then read afresh: the core always sends the last
 * 60 minutes and a fresh app has counted no tokens, so other shapes and sizes are made from its answer.
 */
async function reshapeStats(page: Page, change: (stats: StatsView) => void): Promise<void> {
  await page.route('**/_tray/api/stats:get', async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { ok: boolean; value: StatsView };
    change(body.value);
    await route.fulfill({ response, json: body });
  });
  await goTo(page, 'Accounts');
  await goTo(page, 'Overview');
}

test("each of today's totals says it is today's, on one line, with a day of millions of tokens whole", async ({
  page,
}) => {
  await reshapeStats(page, (stats) => {
    stats.today.inputTokens = 123_456_789;
    stats.today.outputTokens = 2_345_678;
  });
  const requests = page.getByRole('region', { name: 'Requests' });
  const totals = requests.getByRole('definition');
  await expect(requests.getByRole('term')).toHaveText([
    'Requests today',
    'Failed today',
    'Tokens in today',
    'Tokens out today',
  ]);
  // A tray popover (two columns) and the narrowest four-column card, beside the sidebar.
  for (const width of [360, 900]) {
    await page.setViewportSize({ width, height: 860 });
    for (const term of await requests.getByRole('term').all())
      expect(await linesOf(term), `${await term.textContent()} at ${width} px`).toBe(1);
    const overflow = await totals.evaluateAll((dds) => dds.map((dd) => dd.scrollWidth - dd.clientWidth));
    expect(overflow, `figures wider than their box at ${width} px`).toEqual([0, 0, 0, 0]);
  }
  // Shortened where it would not fit, the whole figure is the tooltip and what a screen reader reads.
  await expect(totals.nth(2)).toHaveAttribute('title', '123,456,789');
  await expect(totals.nth(3)).toHaveAttribute('title', '2,345,678');
  await expect(totals.nth(2).locator('[aria-hidden="true"]')).toHaveText('123.5M');
  const spoken = await requests.locator('dl').ariaSnapshot();
  expect(spoken).toContain('123,456,789');
  expect(spoken).not.toContain('123.5M');
});

test("the chart's caption gives the minutes its data spans, gaps included, and the busiest of them", async ({
  page,
}) => {
  await reshapeStats(page, (stats) => {
    const last = stats.perMinute.length - 1;
    stats.perMinute[last - 10]!.requests = 7;
    stats.perMinute[last - 10]!.errors = 2;
    // Fifteen minutes with only three in the data, as a live report past a quiet stretch leaves them.
    stats.perMinute = [last - 14, last - 10, last].map((i) => stats.perMinute[i]!);
  });
  const requests = page.getByRole('region', { name: 'Requests' });
  await expect(requests.locator('figcaption')).toHaveText(/^15 min ago\s*peak 7\/min\s*now$/);
  await expect(
    requests.getByRole('img', {
      name: 'Requests per minute over the last 15 minutes: 7 in all, at most 7 in one minute.',
    }),
  ).toBeVisible();
  // The busy minute is drawn where it fell, 4 of 15 minutes in (600 units wide, 1 of gap), not second of three.
  const busy = requests.locator('g').filter({ has: page.locator('title', { hasText: '7 requests, 2 failed' }) });
  await expect(busy.locator('.chart-hit')).toHaveAttribute('x', '161');
});
