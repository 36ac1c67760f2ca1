import type { ToolDefinition } from '../anthropic/types';
import { estimateToolsTokens } from '../anthropic/token-estimate';
import type { OrchidsTool } from './types';
import { toOrchidsTools } from './tool-mapping';

/** A client's tool list, converted for Orchids once: the tools, their JSON bytes, and their token estimate. */
export interface PreparedTools {
  tools: OrchidsTool[];
  /** `JSON.stringify(tools)` as bytes, spliced into every upstream body that carries this tool list. */
  json: Buffer | undefined;
  tokens: number;
}

/** A request without tools: nothing to convert, splice or count. */
export const NO_TOOLS: PreparedTools = { tools: [], json: undefined, tokens: 0 };

interface Entry {
  /** The parsed definitions this entry was prepared from, kept to compare later lists against exactly. */
  source: readonly ToolDefinition[];
  prepared: PreparedTools;
}

/**
 * Claude Code sends the same two dozen tools (about 60 KB) with every turn. Converting, serialising and estimating
 * them is most of the proxy's work on such a request, so it is done once per distinct tool list.
 *
 * A lookup is exact, not a hash: a cheap signature (count, names, description lengths) picks the candidates, and a
 * structural comparison against the stored definitions confirms one. String comparison is native, so this costs
 * about 20 µs on the Claude Code list; hashing the same text in JavaScript measured six times that.
 */
export class PreparedToolsCache {
  private readonly entries = new Map<string, Entry[]>();
  private count = 0;

  constructor(private readonly capacity = 32) {}

  get size(): number {
    return this.count;
  }

  prepare(tools: ToolDefinition[] | undefined): PreparedTools {
    if (!tools || tools.length === 0) return NO_TOOLS;
    const key = signature(tools);
    const candidates = this.entries.get(key);
    if (candidates) {
      for (let i = 0; i < candidates.length; i++) {
        const entry = candidates[i]!;
        if (sameJson(entry.source, tools)) {
          // A frozen list is the one the body decoder hands every request that repeats these bytes: kept, the next
          // such request matches by identity and skips the comparison (~40 µs on Claude Code's tools).
          if (entry.source !== tools && Object.isFrozen(tools)) entry.source = tools;
          // Refresh its place: the map's order, then the list's, is the eviction order.
          candidates.splice(i, 1);
          candidates.push(entry);
          this.entries.delete(key);
          this.entries.set(key, candidates);
          return entry.prepared;
        }
      }
    }
    const converted = toOrchidsTools(tools);
    const prepared: PreparedTools = {
      tools: converted,
      json: converted.length > 0 ? Buffer.from(JSON.stringify(converted)) : undefined,
      tokens: estimateToolsTokens(tools),
    };
    const list = candidates ?? [];
    list.push({ source: tools, prepared });
    this.entries.delete(key);
    this.entries.set(key, list);
    this.count += 1;
    while (this.count > this.capacity) {
      const [oldestKey, oldest] = this.entries.entries().next().value!;
      oldest.shift();
      this.count -= 1;
      if (oldest.length === 0) this.entries.delete(oldestKey);
    }
    return prepared;
  }
}

/** Count, names and description lengths: equal lists always share it, and most different lists do not. */
export function signature(tools: readonly ToolDefinition[]): string {
  let key = String(tools.length);
  for (const tool of tools) {
    const name = tool?.name ?? tool?.function?.name;
    const description = tool?.description ?? tool?.function?.description;
    key += `|${String(name)}:${typeof description === 'string' ? description.length : -1}`;
  }
  return key;
}

/** Structural equality of parsed JSON, key order included (it is part of what gets sent). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i++) {
    const key = keysA[i]!;
    if (key !== keysB[i]) return false;
    if (!sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
