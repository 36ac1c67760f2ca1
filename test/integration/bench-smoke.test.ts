import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/processes';
import { tempDir } from '../helpers/temp-dir';

const run = promisify(execFile);

/**
 * Keeps `npm run bench` working: builds, runs the seconds-long --quick variant into a temp file (never over
 * BENCHMARKS.md), and checks that every section and the key rows are there. No timing is asserted: CI machines
 * vary too much, and the numbers are the benchmark's business, not the test's.
 */
describe('npm run bench --quick', () => {
  it('runs end to end, exits 0, and reports every section', async () => {
    // Asynchronous on purpose: a synchronous build would block this worker's event loop.
    await run(process.execPath, ['scripts/build-main.mjs'], { cwd: ROOT });
    const dir = tempDir('orchids-bench-smoke-');
    const out = path.join(dir, 'BENCHMARKS.md');
    // A rejection (non-zero exit, or the timeout's SIGTERM, which the runner turns into a clean shutdown) fails the
    // test.
    // DECISION: shorter phases than --quick's own (0.25 s measured, 0.15 s warm-up) and two account counts, not
    // three: the rows and targets checked below come out of 0.1 s phases all the same, and --quick stays as the
    // README gives it. The third count's 1,000 accounts, each added through the real path, cost seconds alone.
    // Back to back on this 2-core machine (load ~3): the bench run 57.7 → 41.8 s, its CPU 61 → 40 s.
    const args = ['--expose-gc', 'dist/test/bench/run.js', '--quick', '--duration', '0.1', '--warmup', '0.05'];
    const { stdout } = await run(process.execPath, [...args, '--out', out], {
      cwd: ROOT,
      env: { ...process.env, BENCH_ACCOUNTS: '1,100' },
      timeout: 150_000,
      maxBuffer: 32 * 1024 * 1024,
    });
    expect(stdout).toContain(`Wrote ${out}`);
    const report = fs.readFileSync(out, 'utf8');

    for (const heading of [
      '## Machine',
      '## Targets',
      '## Short request',
      '## Claude Code 2.1.197 turn',
      '## Chat Completions beside the Messages API',
      '## Clerk mints and upstream TCP connections',
      '## Debug logging off vs on',
      '## 128 concurrent streams held open',
      '## Request body size',
      '## Account choice, in-process micro-benchmark',
      '## Account count, end to end',
      '## Soak',
      '## Resident memory',
      '## How to read this',
    ]) {
      expect(report, heading).toContain(heading);
    }
    for (const row of [
      /\| non-stream \| 1 \| sim \|/,
      /\| non-stream \| 16 \| hop \|/,
      /\| non-stream \| 16 \| app \|/,
      /\| stream \| 1 \| app \|/,
      /\| stream \| 16 \| app \|/,
      /\| cold \| 16 \|/,
      /\| warm \| 128 \|/,
      /\| non-stream \| on \|/,
      /\| stream \| off \|/,
      /\| \/v1\/chat\/completions \| [\d,]+ \|/,
      /\| 1 KB \| app \|/,
      /\| 1 MB \| hop \|/,
      /\| 10,000 \| [\d.]+ \|/,
      // The counts BENCH_ACCOUNTS chose above, the most of them judged.
      /\| End to end with 100 accounts in use: throughput within 10% of one account \| .+ \| (PASS|MISS) \|/,
      /headless\.js \(one account\), idle/,
      /- Node: v\d+/,
    ]) {
      expect(report, String(row)).toMatch(row);
    }
    // Every target is judged (PASS or MISS), none skipped.
    const targets = report.split('## Targets')[1]!.split('\n## ')[0]!;
    expect(targets).not.toContain('not run');
    expect(targets.match(/\| (PASS|MISS) \|/g)?.length).toBeGreaterThanOrEqual(10);
  }, 180_000);
});
