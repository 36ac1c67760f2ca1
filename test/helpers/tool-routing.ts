import type { ToolDefinition } from '../../main/core/anthropic/types';
import { clientToolSchema, repairToolInput, resolveClientToolName } from '../../main/core/orchids/tool-mapping';

/**
 * What the translator does with a whole call: resolve the client tool, then repair toward its schema. `agentTools`
 * when the call is to Generation B's own tool, in its units.
 */
export function routeToolCall(
  upstreamName: string,
  input: Record<string, unknown>,
  declared: ToolDefinition[],
  agentTools?: boolean,
) {
  const clientName = resolveClientToolName(upstreamName, declared, input);
  if (clientName === undefined) throw new Error(`${upstreamName} resolved to nothing`);
  return {
    name: clientName,
    input: repairToolInput(input, clientToolSchema(clientName, declared), { upstreamName, clientName, agentTools }),
  };
}
