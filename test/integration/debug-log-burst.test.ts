import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { printRecord } from '../../main/cli-logs';
import { OrchidsCore } from '../../main/core/core';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
afterEach(async () => stack?.stop());

describe('debug logging in a burst', () => {
  it('keeps the record of every one of 1,000 requests sent as fast as 32 clients can, each readable afterwards', async () => {
    stack = await startStack();
    stack.core.settings.set('debugLogs', true);
    const pool = new Pool(stack.url, { connections: 32 });
    const ids: string[] = [];
    const body = JSON.stringify({
      model: 'claude-sonnet-4-6',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'hi' }],
    });
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < 1000) {
        next += 1;
        const response = await pool.request({
          path: '/v1/messages',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await response.body.dump();
        expect(response.statusCode).toBe(200);
        ids.push(String(response.headers['request-id']));
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    await pool.close();
    await stack.core.history.flushNow();
    await stack.core.debugLogs.flushNow();

    expect(ids).toHaveLength(1000);
    expect(stack.core.debugLogs.dropped).toBe(0);
    const rows = ids.map((id) => stack.core.historyRepo.get(id)!);
    expect(rows.filter((row) => row.debugLog === null)).toEqual([]);
    const records = await Promise.all(rows.map((row) => stack.core.debugLogs.read(row.debugLog!)));
    expect(records.filter((record, i) => record?.requestId !== ids[i])).toEqual([]);

    // `logs show` reads them from another process's point of view: a fresh core on the same data folder.
    await stack.core.stop(1000);
    const reader = new OrchidsCore({ env: {}, config: { dataDir: stack.dataDir }, port: 0, log: () => {} });
    try {
      const lines: string[] = [];
      expect(await printRecord(reader, ids[500]!, (line) => lines.push(line))).toBe(true);
      expect(JSON.parse(lines.join('\n'))).toMatchObject({ requestId: ids[500], summary: { status: 200 } });
    } finally {
      await reader.stop(0);
    }
  });
});
