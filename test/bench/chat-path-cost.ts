/**
 * Micro-benchmark of what a streamed Chat Completions request costs in process beside the same turn on
 * /v1/messages: the request's parse and conversion (readChatRequest against validateMessagesRequest) and a short
 * answer's frames (ChatStreamEncoder against the Anthropic frames). Each figure is the fastest of several batches
 * (as body-encode-cost.ts), so other work on the machine can only hide a gain, not make one.
 *
 *   npx esbuild test/bench/chat-path-cost.ts --bundle --platform=node --outfile=/tmp/chat-path-cost.js \
 *     && node /tmp/chat-path-cost.js
 */
import { anthropicFrame, EMPTY_TEXT_BLOCK } from '../../main/core/anthropic/sse-writer';
import { validateMessagesRequest } from '../../main/core/anthropic/validate';
import { ChatFormat } from '../../main/core/openai/chat-format';
import { readChatRequest } from '../../main/core/openai/chat-request';
import { chatBody, shortBody } from './bodies';
import { fastestBatch } from './fastest-batch';

function report(name: string, run: () => number): void {
  fastestBatch(3, 20_000, run);
  console.log(`${name}: ${fastestBatch(15, 50_000, run).toFixed(0)} ns`);
}

const chat = chatBody(true);
const messages = shortBody(true);
report('chat request: JSON.parse + readChatRequest', () => readChatRequest(JSON.parse(chat)).request.max_tokens);
report('messages request: JSON.parse + validateMessagesRequest', () => {
  return validateMessagesRequest(JSON.parse(messages), { requireMaxTokens: true }).max_tokens;
});

/** A short answer's events as the translator hands them on: one text block of five deltas. */
const texts = ['Hello', ' there,', ' how are', ' you', ' today?'];
function events(): Array<[string, Record<string, unknown>]> {
  const usage = { input_tokens: 14, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  const message = {
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-6',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage,
  };
  return [
    ['message_start', { type: 'message_start', message }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: EMPTY_TEXT_BLOCK }],
    ...texts.map((text): [string, Record<string, unknown>] => [
      'content_block_delta',
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
    ]),
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    [
      'message_delta',
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { input_tokens: 14, output_tokens: 9 },
      },
    ],
    ['message_stop', { type: 'message_stop' }],
  ];
}
const answer = events();
const { options } = readChatRequest(JSON.parse(chat));
const withUsage = { ...options, includeUsage: true };
for (const [name, opts] of [
  ['chat answer frames', options],
  ['chat answer frames, include_usage', withUsage],
] as const) {
  report(name, () => {
    const encoder = new ChatFormat(opts).streamEncoder();
    let out = '';
    for (const [event, payload] of answer) out += encoder.encode(event, payload);
    return out.length;
  });
}
report('messages answer frames', () => {
  let out = '';
  for (const [event, payload] of answer) out += anthropicFrame(event, payload);
  return out.length;
});
