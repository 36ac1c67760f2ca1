import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugRecordView } from '../../contract/request-views';
import { curlReplay, type ReplayTarget } from '../../renderer/src/lib/curl-command';

/** A `curl` that answers with what it was given: its arguments and its standard input, as JSON. */
const FAKE_CURL = `#!${process.execPath}
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () =>
  process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), stdin: Buffer.concat(chunks).toString('utf8') })),
);
`;

let bin: string;

beforeAll(() => {
  bin = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-curl-'));
  fs.writeFileSync(path.join(bin, 'curl'), FAKE_CURL, { mode: 0o755 });
});

afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

/**
 * Runs the command in a POSIX shell with the fake curl first on PATH: as `sh -c`'s argument, or `stdin`, read by
 * the shell as its input, as a pasted command is (an argument has Linux's own limit of 128 KiB).
 */
function run(
  command: string,
  shell: string,
  env: Record<string, string> = {},
  via: 'argument' | 'stdin' = 'argument',
): { argv: string[]; stdin: string } {
  const out = execFileSync(shell, via === 'argument' ? ['-c', command] : ['-s'], {
    env: { PATH: `${bin}:${process.env.PATH ?? ''}`, ...env },
    encoding: 'utf8',
    ...(via === 'stdin' ? { input: command } : {}),
  });
  return JSON.parse(out) as { argv: string[]; stdin: string };
}

function record(incoming: Partial<DebugRecordView['incoming']>, api: DebugRecordView['summary']['api'] = 'anthropic') {
  return { incoming: { headers: {}, body: undefined, ...incoming }, summary: { api } };
}

const LOCAL: ReplayTarget = { url: 'http://127.0.0.1:4141', apiKeySet: false };

const command = (replay: ReturnType<typeof curlReplay>): string => {
  if (replay.command === null) throw new Error(`no command: ${replay.reason}`);
  return replay.command;
};

/** Everything a shell could take for its own inside the body's text. */
const NASTY =
  `it's "quoted" 'twice', a line\nanother\r\n\ttabbed, $HOME \${PATH} $(id) \`whoami\` !! !$ !-1 \\ \\n \\'` +
  ` héllo — 日本語 🎉 \u2028, and a line that is the delimiter:\nORCHIDS_TRAY_BODY\n`;

describe('Copy as curl', () => {
  it.each(['sh', 'bash'])(
    'round-trips a body with quotes, newlines, $, backticks, ! and non-ASCII text (%s)',
    (shell) => {
      const body = {
        model: 'claude-sonnet-4-6',
        max_tokens: 64,
        stream: true,
        system: NASTY,
        messages: [{ role: 'user', content: [{ type: 'text', text: NASTY }] }],
        metadata: { "key's": '!$`' },
      };
      const replay = curlReplay(
        record({
          path: "/v1/messages?beta=true&q='x'",
          headers: {
            'anthropic-version': '2023-06-01',
            'anthropic-beta': ['a-2025-01-01', 'b-2025-02-02'],
            'x-api-key': '[redacted]',
            authorization: '[redacted]',
            cookie: '[redacted]',
            'user-agent': 'claude-cli/2.1.197',
          },
          body,
        }),
        { url: 'http://127.0.0.1:4141/', apiKeySet: true },
      );
      const { argv, stdin } = run(command(replay), shell, { ORCHIDS_TRAY_API_KEY: "k-'$1`x`" });
      expect(argv).toEqual([
        "http://127.0.0.1:4141/v1/messages?beta=true&q='x'",
        '-H',
        'content-type: application/json',
        '-H',
        'anthropic-version: 2023-06-01',
        '-H',
        'anthropic-beta: a-2025-01-01, b-2025-02-02',
        '-H',
        // The key from the shell's environment, taken as it is.
        "x-api-key: k-'$1`x`",
        '--no-buffer',
        '--data-binary',
        '@-',
      ]);
      expect(JSON.parse(stdin)).toEqual(body);
      expect(replay).toMatchObject({ caveat: null });
      // No `!` on the body's line for an interactive shell's history expansion to find, whichever shell it is.
      const bodyLine = command(replay).split('\n').at(-3);
      expect(bodyLine).toMatch(/^\{"model":/);
      expect(bodyLine).not.toContain('!');
    },
  );

  it('names the key only by reference, and carries no credential of the record even where one was not redacted', () => {
    const text = command(
      curlReplay(
        record({ headers: { authorization: 'Bearer abc', cookie: '__session=x', 'x-api-key': 'kkk' }, body: {} }),
        { url: 'http://127.0.0.1:4141', apiKeySet: true },
      ),
    );
    expect(text).toContain('-H "x-api-key: $ORCHIDS_TRAY_API_KEY"');
    expect(text).not.toMatch(/authorization|cookie|Bearer|__session|kkk/i);
  });

  it('sends no key when the app has none, and no --no-buffer for an answer that is not streamed', () => {
    const { argv, stdin } = run(command(curlReplay(record({ body: { model: 'm', stream: false } }), LOCAL)), 'sh');
    expect(argv).toEqual([
      'http://127.0.0.1:4141/v1/messages',
      '-H',
      'content-type: application/json',
      '--data-binary',
      '@-',
    ]);
    expect(JSON.parse(stdin)).toEqual({ model: 'm', stream: false });
  });

  it('passes a body whole that is over the 128 KiB Linux allows one argument, as a pasted command', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: `${'x'.repeat(300_000)}!'` }] };
    const { stdin } = run(command(curlReplay(record({ body }), LOCAL)), 'sh', {}, 'stdin');
    expect(JSON.parse(stdin)).toEqual(body);
  });

  it('uses the path of the API for a record from before paths were kept', () => {
    const argv = (api: DebugRecordView['summary']['api']) =>
      run(command(curlReplay(record({ body: {} }, api), LOCAL)), 'sh').argv[0];
    expect(argv('openai-chat')).toBe('http://127.0.0.1:4141/v1/chat/completions');
    expect(argv('openai-responses')).toBe('http://127.0.0.1:4141/v1/responses');
    expect(argv('anthropic')).toBe('http://127.0.0.1:4141/v1/messages');
  });

  it('is not offered for a record without a body, and warns when the redaction changed the body', () => {
    expect(curlReplay(record({}), LOCAL)).toEqual({
      command: null,
      reason: 'this record holds no request body to send again.',
    });
    const redacted = curlReplay(record({ body: { messages: [{ content: 'my key is [redacted-key]' }] } }), LOCAL);
    expect(redacted.command).not.toBeNull();
    expect(redacted).toMatchObject({ caveat: expect.stringContaining('placeholders') });
  });
});
