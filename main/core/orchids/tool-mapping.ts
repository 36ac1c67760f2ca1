/**
 * Client tools → the tool list a Generation A upstream sees (protocol page 7.4).
 *
 * DECISION: the old proxy sent only Read/Write/Edit/Bash/Glob/Grep/TodoWrite and dropped every other client tool.
 * We keep all of them (Agent, WebFetch, TaskCreate, MCP tools ...): Claude Code's tool loop has to work unchanged,
 * and a dropped tool silently removes a capability the user's client believes the model has. Only the names the
 * upstream is known to refuse, and Anthropic server tools it cannot run, are left out.
 */
import type { ToolDefinition } from '../anthropic/types';
import { asRecord, FORWARD_ALIASES, namingFor, type JsonObject } from './client-tools';
import type { OrchidsTool } from './types';

// The way back (upstream call → client tool) lives in its own modules; re-exported so callers keep one import.
export { clientTool, clientToolSchema } from './client-tools';
export { matchClientTool, resolveClientToolName } from './tool-names';
export { inputRepairMayApply, repairToolInput } from './tool-input-repair';

const MAX_DESCRIPTION = 9216;

export function toOrchidsTools(tools: ToolDefinition[] | undefined): OrchidsTool[] {
  const { sent } = namingFor(tools);
  const out = new Array<OrchidsTool>(sent.length);
  for (let i = 0; i < sent.length; i++) {
    const { tool, upstream } = sent[i] as (typeof sent)[number];
    const description =
      tool.description.length > MAX_DESCRIPTION ? tool.description.slice(0, MAX_DESCRIPTION) + '...' : tool.description;
    const schema = reduceSchema(tool.schema) ?? {};
    if (schema['type'] === undefined) schema['type'] = 'object';
    // The reference client wrote no description key for a tool without one: an empty string is not the same body.
    out[i] = description
      ? { name: upstream, description, input_schema: schema }
      : { name: upstream, input_schema: schema };
  }
  return out;
}

/**
 * Keeps only type, description, properties, required, enum and items (7.4). `$schema`, `additionalProperties`,
 * bounds and formats go. The result shares `required`/`enum` arrays with the client's schema: nothing mutates them.
 */
function reduceSchema(value: unknown): JsonObject | undefined {
  const schema = asRecord(value);
  if (!schema) return value === true ? {} : undefined;
  const out: JsonObject = {};
  let type = schema['type'];
  let values = Array.isArray(schema['enum']) ? schema['enum'] : 'const' in schema ? [schema['const']] : undefined;
  if (type === undefined) {
    // A union of one type (TaskUpdate.status is anyOf [enum..., const "deleted"]) folds into type + enum, so the
    // reduction does not erase what the property accepts.
    const folded = foldUnion(schema['anyOf'] ?? schema['oneOf']);
    if (folded) ({ type, values } = folded);
  }
  if (type !== undefined) out['type'] = type;
  if (typeof schema['description'] === 'string') out['description'] = schema['description'];
  const props = asRecord(schema['properties']);
  if (props) {
    const reduced: JsonObject = {};
    for (const key of Object.keys(props)) reduced[key] = reduceSchema(props[key]) ?? {};
    out['properties'] = reduced;
  }
  if (Array.isArray(schema['required'])) out['required'] = schema['required'];
  if (values) out['enum'] = values;
  const items = schema['items'];
  const reducedItems = Array.isArray(items) ? items.map((item) => reduceSchema(item) ?? {}) : reduceSchema(items);
  if (reducedItems) out['items'] = reducedItems;
  return out;
}

function foldUnion(branches: unknown): { type: string; values: unknown[] | undefined } | undefined {
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  let type: string | undefined;
  let values: unknown[] | undefined = [];
  for (const raw of branches) {
    const branch = asRecord(raw);
    const t = branch?.['type'];
    if (!branch || typeof t !== 'string' || (type !== undefined && t !== type)) return undefined;
    type = t;
    if (values && Array.isArray(branch['enum'])) values.push(...(branch['enum'] as unknown[]));
    else if (values && 'const' in branch) values.push(branch['const']);
    else values = undefined;
  }
  return type === undefined ? undefined : { type, values };
}

export function upstreamToolName(clientName: string, declared: ToolDefinition[] | undefined): string {
  const naming = namingFor(declared);
  const known = naming.clientToUpstream.get(clientName);
  if (known !== undefined) return known;
  // A tool no longer declared (older history): alias it only if that cannot collide with a declared tool.
  const target = FORWARD_ALIASES.get(clientName);
  if (target !== undefined && !naming.upstreamToClient.has(target)) return target;
  return clientName;
}
