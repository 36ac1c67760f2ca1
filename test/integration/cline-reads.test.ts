import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall } from '../sim/orchids-simulator';
import { PINNED_MODES, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { startCliStack, turnsAbout, sentToolResults } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runCline, toolInputs } from '../helpers/cline';
import { OUTDATED_READ } from '../../main/core/orchids/gen-b/read-files';

/**
 * The real Cline CLI (3.x) running Generation B's `Read` as its `read_files` (see cline-cli.test.ts for the setup):
 * what Cline does to a read's result before it goes upstream (its page limit, its cut of a long result's middle,
 * its mark on a read it has since made again) reaches the agent in the terms of its own Read, not as Cline's JSON.
 * Pinned to `ws`: the rewrite is the request builder's, the same on `sse-b`.
 */
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const KEY = 'test-cline-key';
const WS = PINNED_MODES.filter((m) => m.expect === 'ws');

describe.each(WS)("Cline's read of a long file reaches the agent as its own Read (Generation B, $name)", (mode) => {
  it(
    'numbered, with where Cline cut its middle and where its page ended said in words',
    { timeout: 120_000 },
    async () => {
      const { sim } = (stack = await startCliStack(mode, KEY));
      const work = tempDir('orchids-cline-work-');
      const file = path.join(work, 'journal.log');
      fs.writeFileSync(file, `${Array.from({ length: 2010 }, (_, i) => `entry ${i + 1}`).join('\n')}\n`);
      sim.onAgentRequest((req) => {
        if (!upstreamText(req).includes('journal.log')) return undefined;
        // Answered whatever the result says, so a wrong one fails the assertions below rather than the run.
        if (sentToolResults(req).length > 0) return sse(reply('Read the page.'));
        return sse([
          ...toolCall({ id: 'toolu_sim_page_0009', name: 'Read', input: { file_path: file, offset: 5 } }),
          ...finish('tool-calls'),
        ]);
      });

      const run = await runCline(work, 'Read journal.log from entry 5.', stack.url, KEY, { timeoutMs: 100_000 });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.finalText).toBe('Read the page.');
      expect(toolInputs(run)).toEqual([{ files: [{ path: file, start_line: 5 }] }]);
      const [, second] = turnsAbout(stack, /journal\.log/);
      const content = sentToolResults(second!)[0]?.content as string;
      // Not Cline's JSON: the agent's own numbered lines, from the first asked, to where Cline's cut began.
      const lines = content.split('\n');
      expect(lines[0]).toBe('     5\tentry 5');
      const gap = lines.findIndex((line) => line.startsWith('[Lines '));
      expect(gap).toBeGreaterThan(100);
      expect(lines[gap - 1]).toBe(`${String(4 + gap).padStart(6)}\tentry ${4 + gap}`);
      // After it, the lines Cline kept from the end of its page, numbered on from the one the gap names last.
      const [, from, to] = /^\[Lines (\d+)-(\d+) are not shown: Cline cuts/.exec(lines[gap]!)!;
      expect(Number(from)).toBe(5 + gap);
      expect(lines[gap + 1]).toBe(`${String(Number(to) + 1).padStart(6)}\tentry ${Number(to) + 1}`);
      expect(lines.slice(-3)).toEqual([
        '  2004\tentry 2004',
        '',
        '[Showing lines 5-2004 of 2010. Use offset and limit to read other sections.]',
      ]);
    },
  );
});

describe.each(WS)('A read Cline no longer shows reaches the agent as a line saying so (Gen B, $name)', (mode) => {
  it('points the agent at the later read of the same file', { timeout: 120_000 }, async () => {
    const { sim } = (stack = await startCliStack(mode, KEY));
    const work = tempDir('orchids-cline-work-');
    const file = path.join(work, 'notes.txt');
    fs.writeFileSync(file, 'Remember MANGO-77.\n');
    sim.onAgentRequest((req) => {
      if (!upstreamText(req).includes('notes.txt')) return undefined;
      const results = sentToolResults(req).length;
      if (results >= 2) return sse(reply('Read it twice.'));
      if (results === 1) fs.writeFileSync(file, 'Remember KIWI-3.\n');
      const id = `toolu_sim_read_000${results + 1}`;
      return sse([...toolCall({ id, name: 'Read', input: { file_path: file } }), ...finish('tool-calls')]);
    });

    // Cline marks an earlier read outdated only once that frees 64 KiB of the conversation; at 0 it always does, so
    // two reads of a one-line file show what a long session does to many reads of a large one.
    const run = await runCline(work, 'Read notes.txt twice.', stack.url, KEY, {
      timeoutMs: 100_000,
      env: { CLINE_MESSAGE_BUILDER_MIN_OUTDATED_REWRITE_BYTES: '0' },
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('Read it twice.');
    const [, , third] = turnsAbout(stack, /notes\.txt/);
    expect(sentToolResults(third!).map((result) => result['content'])).toEqual([
      OUTDATED_READ,
      '     1\tRemember KIWI-3.',
    ]);
  });
});
