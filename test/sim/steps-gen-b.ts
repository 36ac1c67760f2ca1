/**
 * Builders for what only Generation B sends (spec §5.4, §5.7): the `connected` / `response_started` preambles, both
 * error frame shapes, WebSocket closes; and the default Generation B answer. Model events come from the shared
 * builders in steps.ts, rewritten with nested() / respell().
 */
import { DEFAULT_REPLY_TEXT, nested, reply, type AgentResponse, type SimStep } from './steps';

/**
 * `{"type":"connected"}`; the spec does not know whether it comes once per socket or per request, so scripts
 * choose.
 */
export function connected(extra: Record<string, unknown> = {}): SimStep[] {
  return [{ data: { ...extra, type: 'connected' } }];
}

export function responseStarted(extra: Record<string, unknown> = {}): SimStep[] {
  return [{ data: { ...extra, type: 'response_started' } }];
}

/**
 * `{"type":"error","data":{code,message}}` (nested, the default; the same as upstreamError) or
 * `{"type":"error",code,message}` (flat).
 */
export function errorFrame(code: string, message: string, shape: 'nested' | 'flat' = 'nested'): SimStep[] {
  return shape === 'flat'
    ? [{ data: { type: 'error', code, message } }]
    : [{ data: { type: 'error', data: { code, message } } }];
}

/** The server closes the WebSocket (e.g. 1000 normal, 1001 going away, 1008 policy, 1011 internal error). */
export function wsClose(code: number, reason?: string): SimStep[] {
  return [reason === undefined ? { close: code } : { close: code, reason }];
}

/** Drops the TCP connection with no close frame (the client sees 1006). */
export function drop(): SimStep[] {
  return [{ destroy: true }];
}

/** The text frames a WebSocket client receives for these steps (delays, destroy and close carry no frame). */
export function renderWsFrames(steps: readonly SimStep[]): string[] {
  const frames: string[] = [];
  for (const step of steps) {
    if ('data' in step) frames.push(JSON.stringify(step.data) ?? '');
    else if ('raw' in step) frames.push(step.raw);
  }
  return frames;
}

/** The default reply in the ec2ec10 spelling; frozen because both writers cache its rendering by identity. */
export const DEFAULT_RESPONSE_B: AgentResponse = Object.freeze({
  steps: Object.freeze(nested(reply(DEFAULT_REPLY_TEXT, { inputTokens: 12, outputTokens: 7 }))) as SimStep[],
});
