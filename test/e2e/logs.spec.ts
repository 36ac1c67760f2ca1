import type { Page } from '@playwright/test';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { HISTORY_CSV_HEADER } from '../../contract/history-csv';
import { parseCsv } from '../helpers/csv';
import { creditsExhausted } from '../sim/orchids-simulator';
import { addAccount, expect, goTo, screenshot, test, type Tray } from './fixtures';
import { linesOf } from './fit';

/**
 * Runs `script` as a shell reads a pasted command, and gives what it printed. Not execFileSync: the simulator that
 * answers the app runs in this process, and must go on turning while the command waits for its answer.
 */
async function shell(script: string): Promise<string> {
  const child = spawn('sh', ['-s'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stdin.end(script);
  const code = await exited;
  if (code !== 0) throw new Error(`sh exited with ${code}: ${out}`);
  return out;
}

/** Whether this machine has a curl to run the copied command with (`command -v curl`). */
function hasCurl(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v curl'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('Logs: with debug logging turned on in Settings, a request opens to its full record', async ({ page, tray }) => {
  await addAccount(page, tray.sim.addUser(), 'Logger');

  // A request before debug logging: its row opens, with the reason there is no record.
  await tray.send(1);
  await goTo(page, 'Logs');
  const rows = page.getByRole('button', { name: /^Open request req_/ });
  await expect(rows).toHaveCount(1);
  await rows.first().click();
  let dialog = page.getByRole('dialog', { name: /^Request req_/ });
  await expect(dialog.getByText('No debug record: debug logging was off when this request ran')).toBeVisible();
  await expect(dialog.getByText('claude-sonnet-4-6', { exact: false }).first()).toBeVisible();
  // Its row's facts copy as text, for a bug report.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await dialog.getByRole('button', { name: 'Copy summary' }).click();
  await expect(dialog.getByRole('button', { name: 'Copy summary' })).toContainText('Copied');
  const summary = await page.evaluate(() => navigator.clipboard.readText());
  expect(summary).toMatch(/^Request req_\S+\nStarted: /);
  expect(summary).toContain('\nModel: claude-sonnet-4-6');
  expect(summary).toContain('\nStatus: 200\n');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await goTo(page, 'Settings');
  const debug = page.getByRole('switch', { name: 'Debug logging' });
  await expect(debug).not.toBeChecked();
  await debug.click();
  await expect(debug).toBeChecked();

  await goTo(page, 'Logs');
  await expect(rows).toHaveCount(1);
  await tray
    .client()
    .messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hello, streaming' }],
    })
    .finalMessage();
  await expect(rows).toHaveCount(2); // arrived live
  await screenshot(page, 'logs');
  await rows.first().click();
  dialog = page.getByRole('dialog', { name: /^Request req_/ });
  await expect(dialog.getByRole('heading', { name: 'Incoming request' })).toBeVisible();
  await expect(dialog.getByLabel('Incoming body')).toContainText('Hello, streaming');
  await expect(dialog.getByRole('heading', { name: 'Upstream request' })).toBeVisible();
  await expect(dialog.getByRole('heading', { name: 'Upstream events' })).toBeVisible();
  await expect(dialog.getByRole('list', { name: 'Upstream events, attempt 1' })).toContainText(
    'Hello from the Orchids simulator.',
  );
  await expect(dialog.getByRole('heading', { name: 'Client events' })).toBeVisible();
  await expect(dialog.getByRole('list', { name: 'Client events' })).toContainText('message_stop');
  await expect(dialog.getByRole('heading', { name: 'Summary' })).toBeVisible();
  await screenshot(page, 'logs-record');
  await dialog.getByRole('heading', { name: 'Upstream events' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'logs-record-events');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
});

test('Logs: a request copies as its record, and as a curl command that sends it to the app again', async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Replayed');
  await goTo(page, 'Settings');
  await page.getByRole('switch', { name: 'Debug logging' }).click();
  await expect(page.getByRole('switch', { name: 'Debug logging' })).toBeChecked();

  // Through the beta endpoint, as Claude Code sends it: `?beta=true` and an anthropic-beta header. The text has what
  // a shell would take for its own.
  const text = "It's $HOME `id` $(id) !! !$ héllo 日本語 🎉";
  await tray.client().beta.messages.create(
    {
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      betas: ['context-management-2025-06-27'],
      messages: [{ role: 'user', content: text }],
    },
    { query: { beta: 'true' } },
  );
  await goTo(page, 'Logs');
  const rows = page.getByRole('button', { name: /^Open request req_/ });
  await expect(rows).toHaveCount(1);
  const requestId = /^Open request (\S+)/.exec((await rows.first().getAttribute('aria-label')) ?? '')![1]!;
  await rows.first().click();
  const dialog = page.getByRole('dialog', { name: `Request ${requestId}` });
  await expect(dialog.getByLabel('Incoming body')).toContainText(text);

  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await dialog.getByRole('button', { name: 'Copy record' }).click();
  await expect(dialog.getByRole('button', { name: 'Copy record' })).toContainText('Copied');
  const record = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as {
    requestId: string;
    incoming: { path: string; body: { messages: Array<{ content: string }> } };
  };
  expect(record.requestId).toBe(requestId);
  expect(record.incoming.path).toBe('/v1/messages?beta=true');
  expect(record.incoming.body.messages[0]!.content).toBe(text);

  await dialog.getByRole('button', { name: 'Copy as curl' }).click();
  await expect(dialog.getByRole('button', { name: 'Copy as curl' })).toContainText('Copied');
  const command = await page.evaluate(() => navigator.clipboard.readText());
  expect(command.split('\n')[0]).toBe(`curl '${tray.proxyUrl}/v1/messages?beta=true' \\`);
  expect(command).toContain("-H 'anthropic-beta: context-management-2025-06-27'");
  expect(command).toMatch(/^ {2}-H 'anthropic-version: \d{4}-\d{2}-\d{2}' \\$/m); // the SDK's own
  expect(command).not.toMatch(/x-api-key|authorization/i);

  // In a tray popover's width both copies, and what the hint says, stay inside the dialog, which does not scroll
  // sideways (its code blocks scroll in their own boxes).
  await page.setViewportSize({ width: 360, height: 800 });
  expect(await dialog.evaluate((el) => el.scrollWidth - el.clientWidth)).toBe(0);
  const box = (await dialog.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(360);
  for (const name of ['Copy record', 'Copy as curl']) {
    const button = (await dialog.getByRole('button', { name }).boundingBox())!;
    expect(button.x + button.width, `${name}'s right edge`).toBeLessThanOrEqual(box.x + box.width);
  }
  const hint = (await dialog.getByText(/^Copy as curl sends/).boundingBox())!;
  expect(hint.x + hint.width).toBeLessThanOrEqual(box.x + box.width);
  await screenshot(page, 'logs-record-copies-narrow');
  await page.setViewportSize({ width: 1280, height: 860 });
  await dialog.getByRole('button', { name: 'Close' }).click();

  test.skip(!hasCurl(), 'no curl on this machine: the command was checked as text only');
  // The command as pasted into a shell, with the real curl; a function in front adds only the status to its output.
  const out = await shell(`curl() { command curl -sS -w '\n%{http_code}' "$@"; }\n${command}`);
  const status = out.slice(out.lastIndexOf('\n') + 1);
  const answer = JSON.parse(out.slice(0, out.lastIndexOf('\n'))) as { type: string; content: Array<{ text: string }> };
  expect(status).toBe('200');
  expect(answer.type).toBe('message');
  expect(answer.content[0]!.text).toBe('Hello from the Orchids simulator.');
  // The app served it as a request of its own, with the same body.
  await expect(rows).toHaveCount(2);
  await rows.first().click();
  await expect(page.getByRole('dialog', { name: /^Request req_/ }).getByLabel('Incoming body')).toContainText(text);
});

test("Logs: an answer the proxy wrote itself (a Codex sub-agent's wait) says so in its record", async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Waiter');
  await goTo(page, 'Settings');
  await page.getByRole('switch', { name: 'Debug logging' }).click();
  await expect(page.getByRole('switch', { name: 'Debug logging' })).toBeChecked();

  // Codex's sub-agent tools, and the id of the sub-agent a Task's spawn started (README "Codex CLI"): the proxy
  // answers with a wait on it, and sends nothing upstream.
  const tool = (name: string) => ({ name, input_schema: { type: 'object' as const, properties: {} } });
  const answer = await tray.client().messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 64,
    tools: [tool('multi_agent_v1__spawn_agent'), tool('multi_agent_v1__wait_agent')],
    messages: [
      { role: 'user', content: 'Ask a sub-agent for the fruit word.' },
      {
        role: 'assistant',
        content: [
          {
            type: 'tool_use',
            id: 'call_t1',
            name: 'multi_agent_v1__spawn_agent',
            input: { message: 'Reply with the word for pear.', agent_task: { description: 'Find the fruit word' } },
          },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_t1', content: '{"agent_id":"agent-1"}' }] },
    ],
  });
  expect(answer.content).toEqual([expect.objectContaining({ name: 'multi_agent_v1__wait_agent' })]);
  await goTo(page, 'Logs');
  const rows = page.getByRole('button', { name: /^Open request req_/ });
  await expect(rows).toHaveCount(1);
  await rows.first().click();
  const dialog = page.getByRole('dialog', { name: /^Request req_/ });
  await expect(
    dialog.getByText('Answered by the proxy itself (sub-agent wait): nothing was sent upstream.'),
  ).toBeVisible();
  await expect(dialog.getByText('Nothing was sent upstream.', { exact: true })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Close' }).click();
});

test('Logs: Pause holds new requests and counts them; filters narrow the list', async ({ page, tray }) => {
  await addAccount(page, tray.sim.addUser(), 'Filtered');
  await goTo(page, 'Logs');
  await expect(page.getByText('No requests yet')).toBeVisible();
  const rows = page.getByRole('button', { name: /^Open request req_/ });

  await page.getByRole('button', { name: 'Pause list', exact: true }).click();
  await tray.send(2);
  await expect(page.getByText('Paused — 2 new requests waiting')).toBeVisible();
  await expect(rows).toHaveCount(0);
  await page.getByRole('button', { name: 'Resume list', exact: true }).click();
  await expect(rows).toHaveCount(2);

  const outcome = page.getByLabel('Outcome', { exact: true });
  const account = page.getByLabel('Account', { exact: true });
  await account.selectOption({ label: 'Filtered' });
  await outcome.selectOption('error');
  await expect(page.getByText('No requests match these filters')).toBeVisible();
  // The way back from an empty list is one press, not three dropdowns, and the keyboard stays on the filters.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(rows).toHaveCount(2);
  await expect(outcome).toHaveValue('');
  await expect(account).toHaveValue('');
  await expect(outcome).toBeFocused();
  await outcome.selectOption('ok');
  await expect(rows).toHaveCount(2);
  await page.getByLabel('Account', { exact: true }).selectOption({ label: 'Filtered' });
  await expect(rows).toHaveCount(2);
});

/** One request that no account can take (the only one refuses with a 429), and the Logs view that lists it. */
async function failOneRequestAndOpenLogs(page: Page, tray: Tray): Promise<void> {
  await addAccount(page, tray.sim.addUser(), 'Limited');
  tray.sim.refuseUpgrades(429, 'Too many requests', { 'retry-after': '3600' });
  await expect(tray.send(1)).rejects.toThrow();
  await goTo(page, 'Logs');
}

test('Logs: a failed request says why in its row, and the whole reason on hover where the row cuts it short', async ({
  page,
  tray,
}) => {
  await failOneRequestAndOpenLogs(page, tray);
  const rows = page.getByRole('row').filter({ has: page.getByRole('button', { name: /^Open request req_/ }) });
  await expect(rows).toHaveCount(1);
  const reason = rows.getByTitle(/^No Orchids account can take/);
  await expect(reason).toBeVisible();
  expect(await reason.getAttribute('title')).toBe((await reason.textContent())?.trim());

  // A request sent while the account cools down gets the typical reason alone (no upstream's last error after it).
  // The Status column takes the room the narrow columns leave, and at 1280 px the badge and this reason read whole
  // in their two lines, where a one-line cut of 22 characters showed "No Orchids account can t…".
  await expect(tray.send(1)).rejects.toThrow();
  await expect(rows).toHaveCount(2);
  const typical = page
    .getByRole('row')
    .nth(1)
    .getByTitle(/^No Orchids account can take this request: [^.]*\.$/);
  await expect(typical).toBeVisible();
  const cut = (): Promise<{ across: number; down: number; sideways: number }> =>
    typical.evaluate((el) => {
      // The reason, and the box around it that clips the badge and the reason to their lines.
      const boxes = [el, el.parentElement!];
      const wrap = el.closest('.table-wrap')!;
      return {
        across: Math.max(...boxes.map((b) => b.scrollWidth - b.clientWidth)),
        down: Math.max(...boxes.map((b) => b.scrollHeight - b.clientHeight)),
        sideways: wrap.scrollWidth - wrap.clientWidth,
      };
    });
  for (const width of [1280, 800, 360]) {
    await page.setViewportSize({ width, height: 860 });
    const { across, down, sideways } = await cut();
    expect(sideways, `the table's sideways scroll at ${width} px`).toBe(0);
    if (width === 1280) {
      expect(across, `the reason cut across at ${width} px`).toBeLessThanOrEqual(0);
      expect(down, `the reason cut down at ${width} px`).toBeLessThanOrEqual(0);
    }
  }
  await page.setViewportSize({ width: 1280, height: 860 });
});

test("Logs: a failed request's dialog gives its reason the summary's whole width, not one column of it", async ({
  page,
  tray,
}) => {
  await failOneRequestAndOpenLogs(page, tray);
  await page.getByRole('button', { name: /^Open request req_/ }).click();
  const summary = page.getByRole('dialog').locator('dl.kv');
  const reason = summary.locator('dd').filter({ hasText: /^overloaded_error: No Orchids account can take/ });
  // A column of the grid is 200 px or a half: the reason (about 170 characters) ran six lines down it at 1280 px.
  for (const width of [1280, 420]) {
    await page.setViewportSize({ width, height: 800 });
    const [room, used] = [await summary.boundingBox(), await reason.boundingBox()];
    expect(used!.width, `the reason's width at ${width} px`).toBeGreaterThan(room!.width - 1);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  expect(await linesOf(reason), 'lines of the reason at 1280 px').toBeLessThanOrEqual(2);
});

test('Logs: Export CSV saves every request the filters match, as a file a strict CSV reader takes', async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Exporter');
  // One more than the list's first page (100): the export reads history, not the rows on screen.
  await tray.send(101);
  tray.sim.enqueue({ steps: creditsExhausted('Out of credits, "for now"') });
  await expect(tray.send(1)).rejects.toThrow();
  await goTo(page, 'Logs');
  const rows = page.getByRole('button', { name: /^Open request req_/ });
  await expect(rows).toHaveCount(100);

  const exportCsv = async (): Promise<{ name: string; records: string[][] }> => {
    const button = page.getByRole('button', { name: 'Export CSV' });
    await expect(button).toHaveAttribute('title', /newest 50,000 at most .*e-mails/);
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    const text = fs.readFileSync(await download.path(), 'utf8');
    await expect(page.getByRole('button', { name: 'Export CSV' })).not.toHaveAttribute('aria-busy');
    return { name: download.suggestedFilename(), records: parseCsv(text) };
  };
  const at = (record: string[], column: string) => record[HISTORY_CSV_HEADER.indexOf(column)];

  await page.getByLabel('Outcome', { exact: true }).selectOption('error');
  await expect(rows).toHaveCount(1);
  const errors = await exportCsv();
  expect(errors.name).toMatch(/^orchids-tray-history-\d{4}-\d{2}-\d{2}\.csv$/);
  expect(errors.records[0]).toEqual(HISTORY_CSV_HEADER);
  expect(errors.records).toHaveLength(2);
  expect(Number(at(errors.records[1]!, 'status'))).toBeGreaterThanOrEqual(400);
  expect(at(errors.records[1]!, 'error_type')).toBe('billing_error');
  // The upstream's words come through whole: a comma and quotes inside one field.
  expect(at(errors.records[1]!, 'error_message')).toContain(
    'Last error: Orchids credits exhausted: Out of credits, "for now"',
  );
  await expect(page.getByRole('status').filter({ hasText: 'Exported 1 request.' })).toBeVisible();

  await page.getByLabel('Outcome', { exact: true }).selectOption('ok');
  await page.getByLabel('Account', { exact: true }).selectOption({ label: 'Exporter' });
  await expect(rows).toHaveCount(100);
  await expect(page.getByRole('button', { name: 'Load older requests' })).toBeVisible();
  const ok = await exportCsv();
  expect(ok.records).toHaveLength(1 + 101);
  expect(new Set(ok.records.slice(1).map((r) => `${at(r, 'status')} ${at(r, 'account')} ${at(r, 'model')}`))).toEqual(
    new Set(['200 Exporter claude-sonnet-4-6']),
  );
  await expect(page.getByRole('status').filter({ hasText: 'Exported 101 requests.' })).toBeVisible();
  // Newest first, as the list shows them; the one beyond the list's page comes last.
  const shown = await rows.evaluateAll((buttons) => buttons.map((b) => /req_\S+/.exec(b.ariaLabel ?? '')?.[0]));
  expect(ok.records.slice(1, 101).map((r) => at(r, 'request_id'))).toEqual(shown);
});

test('Logs: Export CSV with nothing to export saves no file and says why', async ({ page, tray }) => {
  const downloads: string[] = [];
  page.on('download', (download) => downloads.push(download.suggestedFilename()));
  await goTo(page, 'Logs');
  await expect(page.getByText('No requests yet', { exact: true })).toBeVisible();
  const button = page.getByRole('button', { name: 'Export CSV' });
  await button.click();
  await expect(page.getByRole('status').filter({ hasText: 'Nothing to export: no requests yet.' })).toBeVisible();

  await addAccount(page, tray.sim.addUser(), 'Exporter');
  await tray.send(1);
  await goTo(page, 'Logs');
  await page.getByLabel('Outcome', { exact: true }).selectOption('error');
  await expect(page.getByText('No requests match these filters', { exact: true })).toBeVisible();
  await button.click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Nothing to export: no request matches these filters.' }),
  ).toBeVisible();
  expect(downloads).toEqual([]);
});

test('an empty list says why a refused client is not in it: the API key, or the proxy paused', async ({
  page,
  tray,
}) => {
  await addAccount(page, tray.sim.addUser(), 'Work');
  await goTo(page, 'Settings');
  await page.getByRole('button', { name: 'Generate key' }).click();
  await expect(page.getByLabel(/Your new API key/)).toHaveValue(/^ot-/);
  // The fixture's client sends a made-up key: refused at the door, so never listed.
  await expect(tray.send(1)).rejects.toThrow(/401/);
  await goTo(page, 'Logs');
  await expect(page.getByText('No requests yet')).toBeVisible();
  await expect(
    page.getByText(/^An API key is set: a request without it, or with another key, is refused \(401\)/),
  ).toBeVisible();
  await expect(page.getByText(/The proxy is paused/)).toHaveCount(0);

  await goTo(page, 'Overview');
  await page.getByRole('button', { name: 'Pause proxy' }).click();
  await expect(page.getByRole('button', { name: 'Resume proxy' })).toBeVisible();
  await goTo(page, 'Logs');
  const paused = page.getByText(/^The proxy is paused: it refuses requests without listing them/);
  await expect(paused).toBeVisible();
  await paused.getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
});

test('Logs: the filters keep one row beside a 100-character account name and a long model id', async ({
  page,
  tray,
}) => {
  // The longest name an account may have, and a model id a client made up.
  const name = `Team account ${'shared by everyone on the platform side '.repeat(3)}`.slice(0, 100);
  await addAccount(page, tray.sim.addUser(), name);
  const model = 'claude-sonnet-4-6-custom-deployment-with-a-long-suffix-20260101';
  await tray.client().messages.create({ model, max_tokens: 16, messages: [{ role: 'user', content: 'Hello' }] });
  await goTo(page, 'Logs');
  await expect(page.getByRole('button', { name: /^Open request req_/ })).toHaveCount(1);
  const filters = page.getByRole('group', { name: 'Filters' }).getByRole('combobox');
  await expect(filters.nth(1).getByRole('option', { name, exact: true })).toBeAttached();
  await expect(filters.nth(2).getByRole('option', { name: model, exact: true })).toBeAttached();
  for (const width of [800, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const tops = await filters.evaluateAll((selects) => selects.map((s) => Math.round(s.getBoundingClientRect().top)));
    expect(new Set(tops).size, `rows of filters at ${width} px`).toBe(1);
  }
});
