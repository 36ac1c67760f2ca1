import { countTokens } from '@anthropic-ai/tokenizer';
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { finish, reply, sse, toolCall } from '../sim/orchids-simulator';
import { turnsAbout } from '../helpers/cli-clients';
import { seenCallId } from '../helpers/edit-scenarios';
import { tempDir } from '../helpers/temp-dir';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import { until } from '../helpers/wait';
import { PI_APIS, PI_SERVED_API, piAgentDir, piModels, piStack, runPi, savedSessions, savedTexts } from '../helpers/pi';

/**
 * pi's own compaction when the upstream reports no usage (`pi` 0.73.1, `pi -p` runs going on with one session): the
 * usage pi reads is then the proxy's estimate (README "Tokens"), and it must be near enough to a real count that pi
 * compacts once its context truly passes its line, and not before. A small context window in pi's `models.json`
 * puts that line at LINE tokens, so two reads of a source file of ~27 KB cross it: the first stays under, the second
 * goes over. On each API, as the Messages encoder (`message_start`, `message_delta`) and the Chat Completions one
 * (the usage chunk) each carry the estimate their own way.
 */
const KEY = 'test-pi-compaction-estimate-key';
const SSE_B = pinnedMode('sse-b');

/** pi's `compaction.reserveTokens` (its default): pi compacts once an answer's usage passes the window less this. */
const RESERVE = 16_384;
/** The context pi compacts past: well above one file read (FILE_TOKENS and pi's own prompt), below two. */
const LINE = 13_000;

const WORDS = ['order', 'basket', 'price', 'ledger', 'parcel', 'route', 'window', 'ticket', 'meadow', 'harbor'];

/**
 * Each generated file's count by a real tokenizer: Anthropic's (`@anthropic-ai/tokenizer` 0.0.4, a devDependency
 * for calibration only; README "Tokens" says why the proxy runs none), counted here: 7,787 for either file.
 * (7,828 was pinned before the tokenizer was a devDependency; OpenAI's o200k_base gave 7,302.)
 */
const FILE_TOKENS = countTokens(source('alpha'));
/** How far the proxy's estimate of a file read may be from FILE_TOKENS: a tenth either way. */
const TOLERANCE = 0.1;

/** pi's system prompt for every summary it asks for (compaction/utils.js). */
const SUMMARIZER = /You are a context summarization assistant/;

/**
 * A TypeScript module of 60 small documented functions (~27 KB, 543 lines: under pi's read limits of 50 KB and 2,000
 * lines, so pi sends it whole). `name` changes a word a section, not the count FILE_TOKENS holds.
 */
function source(name: string): string {
  const lines = [
    `// ${name}: generated for the compaction test`,
    "import { strict as assert } from 'node:assert';",
    '',
  ];
  for (let i = 0; i < 60; i++) {
    const a = WORDS[i % WORDS.length]!;
    const b = WORDS[(i * 7 + 3) % WORDS.length]!;
    const fn = `${a}To${b[0]!.toUpperCase()}${b.slice(1)}${i}`;
    lines.push(
      '/**',
      ` * Turns the ${a} into a ${b}, keeping at most ${i + 3} items (see ${name} section ${i}).`,
      ' */',
      `export function ${fn}(${a}: ReadonlyArray<number>, limit = ${i + 3}): { ${b}: number[]; dropped: number } {`,
      `  const kept = ${a}.filter((value) => value % ${(i % 9) + 2} !== 0).slice(0, limit);`,
      `  assert.ok(kept.length <= limit, '${fn} kept too many');`,
      `  return { ${b}: kept.map((value) => value * ${i + 1}), dropped: ${a}.length - kept.length };`,
      '}',
      '',
    );
  }
  return lines.join('\n');
}

/** pi's agent dir with a window of LINE + RESERVE on both providers, and only the newest turn kept whole. */
function smallWindowAgentDir(baseUrl: string): string {
  // keepRecentTokens is 20,000 by default, more than the whole session: nothing would be left to summarise.
  const agentDir = piAgentDir(baseUrl, { compaction: { keepRecentTokens: 10 } });
  const models = piModels(baseUrl) as { providers: Record<string, { models: Array<Record<string, unknown>> }> };
  for (const provider of Object.values(models.providers)) {
    provider.models = provider.models.map((m) => ({ ...m, contextWindow: LINE + RESERVE }));
  }
  fs.writeFileSync(path.join(agentDir, 'models.json'), JSON.stringify(models, null, 2));
  return agentDir;
}

/** The usage pi saved with each answer (what it read from the proxy), oldest first. */
function savedUsage(agentDir: string): Array<{ input: number; output: number; totalTokens: number }> {
  const [session] = savedSessions(agentDir);
  return session!.entries
    .filter((e) => e.type === 'message' && e.message.role === 'assistant')
    .map((e) => e.message.usage as { input: number; output: number; totalTokens: number });
}

for (const [api, topic] of PI_APIS) {
  describe(`pi’s compaction on the proxy’s token estimate (pinned sse-b, ${api})`, () => {
    const stack = piStack(SSE_B, KEY);

    it(
      'stays under pi’s line after one file read and compacts after the second, the next prompt on the summary',
      { timeout: 240_000 },
      async () => {
        const openai = api === 'openai-completions';
        const work = tempDir('orchids-pi-work-');
        fs.writeFileSync(path.join(work, 'alpha.ts'), source('alpha'));
        fs.writeFileSync(path.join(work, 'beta.ts'), source('beta'));
        const agentDir = smallWindowAgentDir(stack().url);
        const reads = {
          alpha: { id: `toolu_sim_alpha_${topic}`, name: 'Read', input: { file_path: path.join(work, 'alpha.ts') } },
          beta: { id: `toolu_sim_beta_${topic}`, name: 'Read', input: { file_path: path.join(work, 'beta.ts') } },
        };
        // No answer reports usage: every count pi reads is the proxy's estimate.
        stack().sim.onAgentRequest((req) => {
          const seen = upstreamText(req);
          if (SUMMARIZER.test(seen)) return sse(reply('SUMMARY-EST: alpha.ts and beta.ts were read.'));
          if (seen.includes('What was read?')) {
            return sse(reply(seen.includes('SUMMARY-EST') ? 'Both files, per the summary.' : 'Unknown.'));
          }
          // The newest prompt first: the conversation holds the ones before.
          for (const [name, call] of Object.entries(reads).reverse()) {
            if (!seen.includes(`Read ${name}.ts`)) continue;
            if (seen.includes(seenCallId(call.id, openai))) return sse(reply(`Read ${name}.ts whole.`));
            return sse([...toolCall(call), ...finish('tool-calls')]);
          }
          return undefined;
        });
        const run = (prompt: string, first = false) =>
          runPi(work, prompt, stack().url, KEY, api, { agentDir, continue: !first, tools: ['read'] });

        // One file read: pi's context passes half its line, not the line. The alpha read's share of the estimate
        // (the next request's count less the one before it) is within TOLERANCE of the file's real count.
        const first = await run('Read alpha.ts', true);
        expect(first.code, first.stderr + first.stdout).toBe(0);
        expect(first.answer).toBe('Read alpha.ts whole.');
        const [asked, read] = savedUsage(agentDir);
        expect(read!.input - asked!.input).toBeGreaterThan(FILE_TOKENS * (1 - TOLERANCE));
        expect(read!.input - asked!.input).toBeLessThan(FILE_TOKENS * (1 + TOLERANCE));
        expect(read!.totalTokens).toBeGreaterThan(LINE / 2);
        expect(read!.totalTokens).toBeLessThan(LINE);
        expect(turnsAbout(stack(), SUMMARIZER)).toEqual([]);
        expect(savedSessions(agentDir)[0]!.entries.filter((e) => e.type === 'compaction')).toEqual([]);

        // The second read takes it past the line: pi compacts after the answer, before its run ends.
        const second = await run('Read beta.ts');
        expect(second.code, second.stderr + second.stdout).toBe(0);
        expect(second.answer).toBe('Read beta.ts whole.');
        const [, , askedBeta, readBeta] = savedUsage(agentDir);
        expect(readBeta!.input - askedBeta!.input).toBeGreaterThan(FILE_TOKENS * (1 - TOLERANCE));
        expect(readBeta!.input - askedBeta!.input).toBeLessThan(FILE_TOKENS * (1 + TOLERANCE));
        expect(readBeta!.totalTokens).toBeGreaterThan(LINE);
        // pi keeps only the last answer (keepRecentTokens 10), a cut inside the beta turn: one request for the turns
        // before, one for the start of that turn, each with the file read in it (pi cuts a tool result to 2,000
        // characters there).
        const summaries = turnsAbout(stack(), SUMMARIZER).map(upstreamText);
        expect(summaries).toHaveLength(2);
        expect(summaries.join('\n')).toMatch(/<conversation>[\s\S]*Read alpha\.ts[\s\S]*see alpha section 0/);
        expect(summaries.join('\n')).toMatch(/<conversation>[\s\S]*Read beta\.ts[\s\S]*see beta section 0/);
        const [session] = savedSessions(agentDir);
        expect(savedTexts(session!).filter((t) => t.startsWith('compaction: '))).toEqual([
          expect.stringMatching(/^compaction: SUMMARY-EST: alpha\.ts and beta\.ts were read\./),
        ]);

        // The next prompt goes on the summary, neither file in it.
        const third = await run('What was read?');
        expect(third.code, third.stderr + third.stdout).toBe(0);
        expect(third.answer).toBe('Both files, per the summary.');
        const after = upstreamText(turnsAbout(stack(), /What was read\?/).at(-1)!);
        expect(after).toMatch(/compacted into the following summary:\s*<summary>\s*SUMMARY-EST/);
        expect(after).not.toMatch(/see (alpha|beta) section/);

        // What pi read is what the proxy counted: its history rows hold the same estimates, oldest first.
        await until(() => stack().core.internals.server.inflightRequests === 0, { what: 'the last request to end' });
        await stack().core.internals.history.flushNow();
        const rows = stack().core.internals.historyRepo.query({}).reverse();
        expect(rows.map((r) => [r.api, r.status])).toEqual(Array(7).fill([PI_SERVED_API[api], 200]));
        expect(rows.slice(0, 4).map((r) => [r.inputTokens, r.outputTokens])).toEqual(
          [asked, read, askedBeta, readBeta].map((u) => [u!.input, u!.output]),
        );
      },
    );
  });
}
