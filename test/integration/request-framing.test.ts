import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsedReply, rawExchange, serveOnce, valid } from '../helpers/bad-input';
import type { Stack } from '../helpers/stack';

/**
 * How a request's body is framed and marked, below what bad-input-messages.test.ts sends through a client library:
 * bytes written to the socket as given, some one at a time. Each is served, or refused in Anthropic's error format,
 * and the server keeps serving.
 */
let stack: Stack;
const { post, stillServing } = serveOnce((started) => (stack = started));

const exchange = (parts: Array<string | Buffer>, gapMs = 0) => rawExchange(stack.url, parts, { gapMs });
const parsed = parsedReply;

const BODY = Buffer.from(JSON.stringify({ ...valid, messages: [{ role: 'user', content: 'hé — hi' }] }), 'utf8');
const head = (headers: string, target = '/v1/messages') =>
  `POST ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nconnection: close\r\n${headers}\r\n`;
const served = (reply: string) => expect(parsed(reply)).toMatchObject({ status: 200, json: { type: 'message' } });
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('bodies framed in every way HTTP/1.1 allows are served', () => {
  it('one byte at a time, by length or chunked (characters split); chunked, with trailers', async () => {
    const bytes = [...BODY].map((byte) => Buffer.from([byte]));
    served(await exchange([head(`content-length: ${BODY.length}\r\n`), ...bytes], 1));
    const chunks = bytes.map((byte) => Buffer.concat([Buffer.from('1\r\n'), byte, Buffer.from('\r\n')]));
    served(await exchange([head('transfer-encoding: chunked\r\n'), ...chunks, '0\r\n\r\n'], 1));
    const trailers = `${BODY.length.toString(16)}\r\n${BODY.toString('latin1')}\r\n0\r\nx-checksum: 1\r\n\r\n`;
    served(
      await exchange([head('transfer-encoding: chunked\r\ntrailer: x-checksum\r\n'), Buffer.from(trailers, 'latin1')]),
    );
  });

  it('a UTF-8 byte order mark before the JSON is ignored on /v1 and the control API; alone, it is empty', async () => {
    const withBom = Buffer.concat([BOM, BODY]);
    expect(await post(withBom)).toMatchObject({ status: 200, json: { type: 'message' } });
    const chat = { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] };
    const completions = await post(Buffer.concat([BOM, Buffer.from(JSON.stringify(chat))]), {}, '/v1/chat/completions');
    expect(completions).toMatchObject({ status: 200, json: { object: 'chat.completion' } });
    const token = fs.readFileSync(path.join(stack.dataDir, 'control-token'), 'utf8').trim();
    const call = await post(
      Buffer.concat([BOM, Buffer.from('{}')]),
      {
        authorization: `Bearer ${token}`,
        'x-orchids-tray': '1',
      },
      '/_tray/api/accounts:list',
    );
    expect(call).toMatchObject({ status: 200, json: { ok: true } });
    expect(await post(BOM)).toMatchObject({
      status: 400,
      json: { error: { message: 'The request body is empty: send a JSON object.' } },
    });
  });
});

describe('framing Node refuses is answered in the API error format, quoting nothing sent', () => {
  const refusals: Array<[string, string, string]> = [
    [
      'two Content-Lengths',
      `content-length: ${BODY.length}\r\ncontent-length: ${BODY.length}\r\n`,
      'Duplicate Content-Length',
    ],
    [
      'Content-Length beside Transfer-Encoding',
      `transfer-encoding: chunked\r\ncontent-length: ${BODY.length}\r\n`,
      "Content-Length can't be present with Transfer-Encoding",
    ],
    ['a Content-Length that is not a number', 'content-length: 1e3\r\n', 'Invalid character in Content-Length'],
    [
      'a Transfer-Encoding without chunked last',
      'transfer-encoding: gzip\r\n',
      'Request has invalid `Transfer-Encoding`',
    ],
  ];
  it.each(refusals)('%s', async (_, headers, reason) => {
    const reply = await exchange([head(headers), BODY]);
    // A refusal after the headers is answered by the route, which adds the request's id.
    expect(parsed(reply)).toMatchObject({
      status: 400,
      json: {
        type: 'error',
        error: { type: 'invalid_request_error', message: `The request is not valid HTTP/1.1: ${reason}.` },
      },
    });
    expect(reply).toMatch(/\r\ncontent-type: application\/json\r\n/);
    await stillServing();
  });

  it('a malformed chunk size, and bytes that are not HTTP at all', async () => {
    const chunk = await exchange([head('transfer-encoding: chunked\r\n'), 'zz\r\nsk-ant-FAKE\r\n0\r\n\r\n']);
    expect(parsed(chunk)).toMatchObject({
      status: 400,
      json: { error: { message: expect.stringMatching(/^The request is not valid HTTP\/1\.1: [^]*\.$/) } },
    });
    expect(chunk).not.toContain('FAKE');
    const garbage = await exchange(['\x00\x01 GARBAGE sk-ant-FAKE\r\n\r\n']);
    expect(parsed(garbage).status).toBe(400);
    expect(garbage).not.toContain('FAKE');
    await stillServing();
  });
});
