import fs from 'node:fs';
import { CLAUDE_CODE_REQUEST } from './fixtures';
import { seeded } from './random';

/**
 * Texts of the kinds a coding agent's context holds, for comparing the proxy's token estimate with a real
 * tokenizer's count (test/unit/token-estimate-corpus.test.ts). Everything here is made up: the hashes, ids and
 * base64 are seeded random bytes, the packages and paths invented.
 */

const HEX = '0123456789abcdef';
const random = seeded(20_260_601);
const int = (n: number): number => Math.floor(random() * n);
const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));
const hex = (chars: number): string => Array.from({ length: chars }, () => HEX[int(16)]).join('');
const base64 = (n: number): string => bytes(n).toString('base64');
const alnum = (chars: number): string => base64(chars).replace(/[+/=]/g, '').slice(0, chars);

const PROSE_PARAGRAPHS = [
  'The tray keeps a small window of accounts and shows, for each one, how much of the day it has used. When a ' +
    'request fails before any of its answer is sent, nothing is counted, so the numbers only ever grow with work ' +
    'that really happened.',
  'Most agents resend the whole conversation on every turn. That is why the estimate has to be cheap: it runs over ' +
    'every byte of every request, and a slow count would be paid again and again, long after anyone remembers why.',
  'If the upstream reports its own usage, that number wins. Otherwise the proxy answers with an estimate, and a ' +
    'client that trusts it decides when to summarise the conversation. Too low, and the client learns the truth from ' +
    'an error; too high, and it forgets things it could have kept.',
  'We measured the cost on a recorded turn of seventy-six kilobytes, ran it a few hundred times, and kept the ' +
    'median. The numbers below are from that run; a busy machine will show more noise, but not a different order.',
];

/** Plain English paragraphs. */
function prose(): string {
  const out: string[] = [];
  for (let i = 0; i < 12; i++) out.push(PROSE_PARAGRAPHS[i % PROSE_PARAGRAPHS.length]!);
  return out.join('\n\n');
}

const WORDS = ['order', 'basket', 'price', 'ledger', 'parcel', 'route', 'window', 'ticket', 'meadow', 'harbor'];
const cap = (word: string): string => word[0]!.toUpperCase() + word.slice(1);

/** A TypeScript module of documented functions, classes and imports. */
function typescript(): string {
  const lines = [
    "import { strict as assert } from 'node:assert';",
    "import type { IncomingMessage, ServerResponse } from 'node:http';",
    '',
  ];
  for (let i = 0; i < 24; i++) {
    const a = WORDS[i % WORDS.length]!;
    const b = WORDS[(i * 7 + 3) % WORDS.length]!;
    lines.push(
      '/**',
      ` * Reads the ${a} from the request and answers with its ${b}, or 404 when there is none (case ${i}).`,
      ' */',
      `export async function handle${cap(a)}${cap(b)}(req: IncomingMessage, res: ServerResponse): Promise<void> {`,
      `  const ${a}Id = new URL(req.url ?? '/', 'http://localhost').searchParams.get('${a}Id');`,
      `  if (${a}Id === null) {`,
      `    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'no ${a}' }));`,
      '    return;',
      '  }',
      `  const ${b}s = await load${cap(b)}s(${a}Id, { limit: ${i + 10}, includeArchived: ${i % 2 === 0} });`,
      `  assert.ok(Array.isArray(${b}s), 'load${cap(b)}s returns a list');`,
      `  res.writeHead(${b}s.length > 0 ? 200 : 404).end(JSON.stringify(${b}s.map((x) => x.${a}${cap(b)}Key)));`,
      '}',
      '',
    );
  }
  return lines.join('\n');
}

/** A package-lock.json's shape: versions, resolved URLs, sha512 integrity strings, dependency maps. */
function packageLock(): string {
  const packages: Record<string, unknown> = { '': { name: 'fake-app', version: '1.0.0' } };
  for (let i = 0; i < 60; i++) {
    const name = `${WORDS[i % WORDS.length]}-${WORDS[(i * 3 + 1) % WORDS.length]}${i > 30 ? `-${i}` : ''}`;
    const version = `${int(9)}.${int(30)}.${int(20)}`;
    packages[`node_modules/${name}`] = {
      version,
      resolved: `https://registry.example.test/${name}/-/${name}-${version}.tgz`,
      integrity: `sha512-${base64(64)}`,
      dev: i % 3 === 0,
      license: 'MIT',
      ...(i % 4 === 0 ? { dependencies: { [`${WORDS[(i + 2) % WORDS.length]}-kit`]: `^${int(5)}.${int(9)}.0` } } : {}),
    };
  }
  return JSON.stringify({ name: 'fake-app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2);
}

/** Git-log and checksum lines: 40-character commit ids and 64-character sha256 digests. */
function hexHashes(): string {
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    const a = WORDS[i % WORDS.length]!;
    lines.push(`commit ${hex(40)}`, `    Fix the ${a} check (${hex(7)})`, `${hex(64)}  dist/${a}-${i}.tar.gz`);
  }
  return lines.join('\n');
}

/** A base64 attachment as a data URL, in 76-character MIME lines. */
function base64Blob(): string {
  const body = base64(6000);
  const lines = body.match(/.{1,76}/g)!;
  return `data:application/octet-stream;base64,\n${lines.join('\n')}`;
}

/**
 * A Claude Code-shaped tool result: the JSON of a tool listing records with UUIDs, tool-use ids, SHAs and timestamps,
 * as `cat -n` style numbered lines.
 */
function toolResult(): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const records = Array.from({ length: 30 }, (_, i) => ({
    id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    tool_use_id: `toolu_01${alnum(22)}`,
    request_id: `req_011C${alnum(20)}`,
    sha: hex(40),
    path: `src/${WORDS[i % WORDS.length]}/${WORDS[(i + 4) % WORDS.length]}.ts`,
    created_at: `2026-05-${two((i % 28) + 1)}T${two(i % 24)}:14:07.${int(1000)}Z`,
    status: i % 5 === 0 ? 'failed' : 'ok',
    size: int(100_000),
  }));
  const json = JSON.stringify(records, null, 2).split('\n');
  return json.map((line, i) => `${String(i + 1).padStart(6, ' ')}\u2192${line}`).join('\n');
}

/** Every text block of the recorded Claude Code 2.1.197 turn (system prompt, reminders, tool descriptions). */
function claudeCodeTurn(): string {
  const req = JSON.parse(fs.readFileSync(CLAUDE_CODE_REQUEST, 'utf8')) as {
    system: Array<{ text: string }>;
    messages: Array<{ content: string | Array<{ text?: string }> }>;
    tools: Array<{ description: string }>;
  };
  const texts = [
    ...req.system.map((b) => b.text),
    ...req.messages.flatMap((m) => (typeof m.content === 'string' ? [m.content] : m.content.map((b) => b.text ?? ''))),
    ...req.tools.map((t) => t.description),
  ];
  return texts.join('\n\n');
}

export interface CorpusSample {
  name: string;
  text: string;
}

export const TOKEN_CORPUS: CorpusSample[] = [
  { name: 'prose', text: prose() },
  { name: 'typescript', text: typescript() },
  { name: 'claude-code-turn', text: claudeCodeTurn() },
  { name: 'package-lock', text: packageLock() },
  { name: 'hex-hashes', text: hexHashes() },
  { name: 'base64', text: base64Blob() },
  { name: 'tool-result', text: toolResult() },
];
