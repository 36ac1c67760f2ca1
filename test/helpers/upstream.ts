import type { ProtocolSetting, UpstreamProtocol } from '../../main/core/upstream/protocol';
import type { AgentRequestInfo, SimProtocols } from '../sim/orchids-simulator';

/**
 * Protocol-blind views of what the simulated agent received, so one test can assert the same facts whichever
 * generation carried the request: Generation A renders the conversation into `prompt`/`chatHistory`, Generation B
 * sends the messages themselves.
 */

/** Every piece of text the upstream was given: the conversation, the system text, tool results. */
export function upstreamText(request: AgentRequestInfo): string {
  const body = request.body ?? {};
  const parts: string[] = [];
  if (request.protocol === 'sse-a') collectStrings([body.prompt, body.chatHistory], parts);
  else collectStrings([body.config?.system, body.messages], parts);
  return parts.join('\n');
}

/**
 * Whether the upstream was sent a tool use with this id and name, and a result for it holding this text (flagged as
 * an error when `error`): Generation B sends the blocks themselves, Generation A renders them as tags in its prompt.
 */
export function sentToolPair(
  request: AgentRequestInfo,
  id: string,
  name: string,
  output: string,
  error = false,
): boolean {
  if (request.protocol === 'sse-a') {
    const text = upstreamText(request);
    const flag = error ? ' is_error="true"' : '[^>]*';
    return (
      text.includes(`<tool_use id="${id}" name="${name}">`) &&
      new RegExp(`<tool_result tool_use_id="${id}"${flag}>[^<]*${output}`).test(text)
    );
  }
  const blocks = (request.body.messages as Array<{ content: unknown }>).flatMap((message) =>
    Array.isArray(message.content) ? (message.content as Array<Record<string, unknown>>) : [],
  );
  const use = blocks.find((block) => block.type === 'tool_use' && block.id === id);
  const result = blocks.find((block) => block.type === 'tool_result' && block.tool_use_id === id);
  if (error && result?.is_error !== true) return false;
  return use?.name === name && JSON.stringify(result?.content ?? '').includes(output);
}

/** Every string in a parsed JSON value, as text (not JSON-escaped), ids and inputs included. */
function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) collectStrings(item, out);
}

/** The Orchids model id the request named. */
export function upstreamModel(request: AgentRequestInfo): string | undefined {
  return request.protocol === 'sse-a' ? request.body?.model : request.body?.modelName;
}

/** Requests the script answered (not refused for their shape, a busy socket or a token). */
export function answered(requests: readonly AgentRequestInfo[]): AgentRequestInfo[] {
  return requests.filter((r) => r.rejected === undefined && r.body !== undefined);
}

/** The simulator switches that serve exactly one protocol. */
export function onlyServing(protocol: UpstreamProtocol): SimProtocols {
  return { ws: protocol === 'ws', sseB: protocol === 'sse-b', sseA: protocol === 'sse-a' };
}

/**
 * The ways a test can run the app against the simulator: pinned to each protocol, and `auto` against a simulator
 * that serves only one of them (so detection is tested, not assumed).
 */
export interface ProtocolMode {
  name: string;
  setting: ProtocolSetting;
  serves: SimProtocols;
  /** The protocol that should end up serving. */
  expect: UpstreamProtocol;
}

const ALL: SimProtocols = { ws: true, sseB: true, sseA: true };

export const PINNED_MODES: readonly ProtocolMode[] = (['ws', 'sse-b', 'sse-a'] as const).map((p) => ({
  name: `pinned ${p}`,
  setting: p,
  serves: ALL,
  expect: p,
}));

/**
 * The mode pinned to one protocol. It throws rather than returning undefined, so a test that asks for a mode that does
 * not exist fails here, naming it, instead of later on an `undefined` setting.
 */
export function pinnedMode(expect: UpstreamProtocol): ProtocolMode {
  const mode = PINNED_MODES.find((m) => m.expect === expect);
  if (!mode)
    throw new Error(`no pinned mode for '${String(expect)}' (known: ${PINNED_MODES.map((m) => m.expect).join(', ')})`);
  return mode;
}

export const AUTO_MODES: readonly ProtocolMode[] = (['ws', 'sse-b', 'sse-a'] as const).map((p) => ({
  name: `auto, only ${p} served`,
  setting: 'auto',
  serves: onlyServing(p),
  expect: p,
}));

export const ALL_MODES: readonly ProtocolMode[] = [...PINNED_MODES, ...AUTO_MODES];
