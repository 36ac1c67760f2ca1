/**
 * Micro-benchmark of request-body parsing alone, in-process: ns a byte for plain JSON.parse, the app's small-body
 * path (decodeJson), our yielding parser and the piecewise native parser (server/json-pieces.ts), on the request
 * size rows' bodies, the Claude Code fixture, a 1 MB body dense in escapes and non-ASCII text, and a 31 MB body
 * (the hardening burst's). For the two that yield it also gives the longest stretch the event loop was held.
 *
 *   node scripts/build-main.mjs && node --max-semi-space-size=32 dist/test/bench/json-parse-cost.js [rounds, 5]
 */
import fs from 'node:fs';
import { decodeJson, MAX_JSON_DEPTH } from '../../main/core/server/json-body';
import { parseJsonInPieces } from '../../main/core/server/json-pieces';
import { parseJsonYielding } from '../../main/core/server/json-yielding';
import { FIXTURE_PATH, kb, sizedBody } from './bodies';

type Parse = (bytes: Buffer) => unknown;

const PARSERS: Array<[string, Parse]> = [
  ['JSON.parse(utf8)', (bytes) => JSON.parse(bytes.toString('utf8'))],
  ['decodeJson', (bytes) => decodeJson(bytes, true)],
  ['yielding', (bytes) => parseJsonYielding(bytes, MAX_JSON_DEPTH)],
  ['pieces', (bytes) => parseJsonInPieces(bytes, MAX_JSON_DEPTH)],
];

/** A 1 MB conversation whose texts hold em-dashes, quotes and newlines (escapes and raw UTF-8 in every message). */
function escapedBody(bytes: number): string {
  const text = 'He said "go on" — and then\n\tthe proxy forwarded “every” byte → upstream. '.repeat(24);
  const messages: Array<{ role: string; content: string }> = [];
  let size = 0;
  while (size < bytes) {
    messages.push({ role: messages.length % 2 === 0 ? 'user' : 'assistant', content: text });
    size += Buffer.byteLength(text) + 60;
  }
  if (messages.length % 2 === 0) messages.push({ role: 'user', content: 'Go on.' });
  return JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 256, messages });
}

/**
 * A long Claude Code session of about `bytes`: the fixture's tools and system prompt, and turns of tool use whose
 * texts are the system prompt's (em-dashes, quotes, newlines), as a conversation past the small-body path looks.
 */
function claudeCodeBody(bytes: number): string {
  const fixture = JSON.parse(fs.readFileSync(FIXTURE_PATH, 'utf8')) as {
    messages: unknown[];
    system: Array<{ text: string }>;
  };
  const text = fixture.system
    .map((block) => block.text)
    .join('\n')
    .slice(0, 3000);
  let size = Buffer.byteLength(JSON.stringify(fixture));
  for (let turn = 0; size < bytes; turn++) {
    const id = `toolu_${String(turn).padStart(6, '0')}`;
    const pair = [
      {
        role: 'assistant',
        content: [
          { type: 'text', text },
          { type: 'tool_use', id, name: 'Bash', input: { command: 'ls -la' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: text }] },
    ];
    fixture.messages.push(...pair);
    size += Buffer.byteLength(JSON.stringify(pair));
  }
  return JSON.stringify(fixture);
}

/** Wall time of one parse, and the longest gap between turns of the event loop meanwhile. */
async function once(parse: Parse, bytes: Buffer): Promise<{ ms: number; heldMs: number }> {
  let last = performance.now();
  let held = 0;
  let ticking = true;
  const tick = (): void => {
    const now = performance.now();
    held = Math.max(held, now - last);
    last = now;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const start = performance.now();
  await parse(bytes);
  const ms = performance.now() - start;
  held = Math.max(held, performance.now() - last);
  ticking = false;
  return { ms, heldMs: held };
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const bodies: Array<[string, Buffer]> = [
    ['fixture', fs.readFileSync(FIXTURE_PATH)],
    [kb(100 * 1024), Buffer.from(sizedBody(100 * 1024))],
    [kb(1024 * 1024), Buffer.from(sizedBody(1024 * 1024))],
    ['1 MB escaped', Buffer.from(escapedBody(1024 * 1024))],
    ['1 MB session', Buffer.from(claudeCodeBody(1024 * 1024))],
    [kb(31 * 1024 * 1024), Buffer.from(sizedBody(31 * 1024 * 1024))],
  ];
  console.log('body          parser              ns/byte (median, min)   longest hold ms (median)');
  for (const [label, bytes] of bodies) {
    const expected = JSON.stringify(JSON.parse(bytes.toString('utf8')));
    const perCall = Math.max(1, Math.round((4 << 20) / bytes.length));
    for (const [name, parse] of PARSERS) {
      if (JSON.stringify(await parse(bytes)) !== expected) throw new Error(`${name} differs on ${label}`);
      for (let i = 0; i < perCall * 2; i++) await parse(bytes); // warm-up for the JIT
      const nsPerByte: number[] = [];
      const held: number[] = [];
      for (let r = 0; r < rounds; r++) {
        let ms = 0;
        let heldMs = 0;
        for (let i = 0; i < perCall; i++) {
          const one = await once(parse, bytes);
          ms += one.ms;
          heldMs = Math.max(heldMs, one.heldMs);
        }
        nsPerByte.push((ms * 1e6) / perCall / bytes.length);
        held.push(heldMs);
      }
      nsPerByte.sort((a, b) => a - b);
      held.sort((a, b) => a - b);
      const median = (values: number[]): number => values[values.length >> 1]!;
      console.log(
        `${label.padEnd(13)} ${name.padEnd(19)} ${median(nsPerByte).toFixed(2).padStart(6)} ` +
          `${nsPerByte[0]!.toFixed(2).padStart(6)}            ${median(held).toFixed(1).padStart(6)}`,
      );
    }
  }
}

void main();
