import type { RequestTrace } from './observer';

const MALFORMED = '[malformed] ';
/** Distinct event types kept: a misbehaving upstream must not grow the answer without bound. */
const TYPES_LIMIT = 24;

/**
 * An upstream payload's type for a person reading a test: the top-level `type`, and for the agent's `model`
 * events the inner one (`model/text-delta`), flat or nested under `data` as the decoder accepts them.
 */
export function eventType(raw: string): string {
  if (raw.startsWith(MALFORMED)) return 'not JSON';
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'not JSON';
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not an object';
  const record = value as Record<string, unknown>;
  const type = typeof record.type === 'string' ? record.type : '(no type)';
  const inner = innerType(record.event) ?? innerType(record.data);
  return inner ? `${type}/${inner}` : type;
}

function innerType(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.type === 'string') return record.type;
  const data = record.data as Record<string, unknown> | undefined;
  return data && typeof data === 'object' && typeof data.type === 'string' ? data.type : undefined;
}

/**
 * Counts the upstream's events by type, in order of first appearance, and keeps the upstream's status: what a
 * connection test shows of the answer without keeping its content.
 */
export class UpstreamEventTally {
  private readonly counts = new Map<string, number>();
  status: number | undefined;

  get size(): number {
    return this.counts.size;
  }

  list(): Array<{ type: string; count: number }> {
    return [...this.counts].map(([type, count]) => ({ type, count }));
  }

  add(raw: string): void {
    const type = eventType(raw);
    const count = this.counts.get(type);
    if (count !== undefined) this.counts.set(type, count + 1);
    else if (this.counts.size < TYPES_LIMIT) this.counts.set(type, 1);
  }

  /** A request trace that feeds this tally and ignores everything else. */
  trace(): RequestTrace {
    return {
      incoming: () => undefined,
      upstreamRequest: () => undefined,
      upstreamResponse: (status) => {
        this.status = status;
      },
      upstreamEvent: (raw) => this.add(raw),
      clientFrame: () => undefined,
      unmappedToolCalls: () => undefined,
      attemptFailed: () => undefined,
      continuation: () => undefined,
      answeredByProxy: () => undefined,
    };
  }
}
