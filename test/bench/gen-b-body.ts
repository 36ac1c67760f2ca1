/**
 * Micro-benchmark of the Generation B request body, in-process: build + encode of the Claude Code fixture (both
 * transports; with the system prompt the encoder has seen, as on every turn after a conversation's first, and
 * without) next to Generation A's build + encode of the same request, and a long tool-using conversation (~470 KB,
 * the piecewise encoder's case) next to one plain JSON.stringify of the same body.
 *
 *   node scripts/build-main.mjs && node --max-semi-space-size=32 dist/test/bench/gen-b-body.js   (the app's V8 flag)
 */
import fs from 'node:fs';
import type { Message, MessagesRequest, TextBlock } from '../../main/core/anthropic/types';
import { encodeOrchidsBody } from '../../main/core/orchids/encode-body';
import { encodeGenBBody } from '../../main/core/orchids/gen-b/encode-body';
import { buildGenBBody } from '../../main/core/orchids/gen-b/request-builder';
import { PreparedToolsCache } from '../../main/core/orchids/prepared-tools';
import { buildOrchidsRequest } from '../../main/core/orchids/request-builder';
import { FIXTURE_PATH } from './bodies';

export interface BodyTiming {
  label: string;
  bytes: number;
  medianUs: number;
  minUs: number;
}

/**
 * Per-call time of `run`, from batches of `perBatch` calls: the median batch (the brief's figure) and the fastest
 * (on a shared machine the steadiest). The byte sum keeps the JIT from discarding the calls.
 */
function time(label: string, batches: number, perBatch: number, run: () => Buffer): BodyTiming {
  const bytes = run().length;
  let sink = 0;
  for (let i = 0; i < perBatch * 5; i++) sink += run().length; // warm-up for the JIT
  const samples: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) sink += run().length;
    samples.push(Number(process.hrtime.bigint() - start) / perBatch / 1000);
  }
  if (sink === -1) console.log(sink);
  samples.sort((a, b) => a - b);
  return { label, bytes, medianUs: samples[samples.length >> 1]!, minUs: samples[0]! };
}

/** The fixture's turn followed by `rounds` Read calls, each answered with `resultChars` characters of file text. */
function longConversation(base: MessagesRequest, rounds: number, resultChars: number): MessagesRequest {
  const line = 'export const value = "ünïcödé"; // a line of source code with some quotes\n';
  const file = line.repeat(Math.ceil(resultChars / line.length)).slice(0, resultChars);
  const messages: Message[] = [...base.messages];
  for (let i = 0; i < rounds; i++) {
    const id = `toolu_${String(i).padStart(4, '0')}`;
    messages.push({
      role: 'assistant',
      content: [
        { type: 'text', text: `Reading file ${i}.` },
        { type: 'tool_use', id, name: 'Read', input: { file_path: `/repo/src/file${i}.ts` } },
      ],
    });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: file }] });
  }
  return { ...base, messages };
}

export function benchGenBBody(quick: boolean): BodyTiming[] {
  const request = JSON.parse(fs.readFileSync(FIXTURE_PATH, 'utf8')) as MessagesRequest;
  const ctx = { upstreamModel: 'claude-opus-4-6', thinkingMode: 'enabled' as const };
  // Generation A as the proxy runs it: the tool list converted once and cached, its JSON spliced in.
  const prepared = new PreparedToolsCache().prepare(request.tools);
  const genACtx = { email: '', userId: '', upstreamModel: 'claude-opus-4-6', chatSessionId: 'chat_0000000000000000' };
  // More distinct system prompts than the encoder remembers, in turn: every call encodes its system text afresh.
  const system = request.system as TextBlock[];
  const unseen = Array.from({ length: 16 }, (_, i) => ({
    ...request,
    system: system.map((block, k) => (k === 0 ? { ...block, text: `${block.text} ${i}` } : block)),
  }));
  let next = 0;
  const long = longConversation(request, 50, 4000);
  const longBody = buildGenBBody(long, ctx);
  const batches = quick ? 11 : 51;
  const perBatch = quick ? 50 : 200;
  return [
    time('Gen B build+encode, fixture, ws', batches, perBatch, () => encodeGenBBody(buildGenBBody(request, ctx), 'ws')),
    time('Gen B build+encode, fixture, sse', batches, perBatch, () =>
      encodeGenBBody(buildGenBBody(request, ctx), 'sse'),
    ),
    time('Gen B build+encode, fixture, ws, system not seen', batches, perBatch, () =>
      encodeGenBBody(buildGenBBody(unseen[next++ % unseen.length]!, ctx), 'ws'),
    ),
    time('Gen B build only, fixture', batches, perBatch, () => {
      buildGenBBody(request, ctx);
      return Buffer.alloc(0);
    }),
    time('Gen A build+encode, fixture (tools prepared)', batches, perBatch, () =>
      encodeOrchidsBody(
        { ...buildOrchidsRequest(request, { ...genACtx, tools: prepared.tools }), email: 'user1@example.test' },
        prepared.json,
      ),
    ),
    time('Gen B build+encode, 100-message conversation, ws', batches, perBatch / 10, () =>
      encodeGenBBody(buildGenBBody(long, ctx), 'ws'),
    ),
    time('  same body, encode only (piecewise)', batches, perBatch / 10, () => encodeGenBBody(longBody, 'ws')),
    time('  same body, one JSON.stringify', batches, perBatch / 10, () => Buffer.from(`${JSON.stringify(longBody)}\n`)),
  ];
}

if (require.main === module) {
  for (const row of benchGenBBody(process.argv.includes('--quick'))) {
    const us = (value: number): string => `${value.toFixed(1).padStart(7)} µs`;
    const bytes = `${String(row.bytes).padStart(8)} B`;
    console.log(`${row.label.padEnd(52)} ${bytes}  median ${us(row.medianUs)}  min ${us(row.minUs)}`);
  }
}
