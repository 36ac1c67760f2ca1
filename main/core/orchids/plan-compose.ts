/**
 * The agent's to-do list as Codex CLI's plan. Generation B's agent plans with its own TodoWrite (`todos`: items of
 * `content`, `status`, `activeForm`); Codex CLI, when its config turns the tool on, declares `update_plan` (`plan`:
 * items of `step` and `status`, the same three statuses, and an optional `explanation`) and shows the plan in its
 * own list. The keys share no synonym and the list is nested, so the call is rewritten whole here.
 */
import type { JsonObject } from './client-tools';
import { asRecord } from './client-tools';
import { parseJson } from './tool-input-coercion';
import { canonicalToolName } from './tool-names';

/** The client tool that takes the plan, by name (Codex CLI's). */
const PLAN_TOOL = 'update_plan';

const STATUSES = new Set(['pending', 'in_progress', 'completed']);

/** `update_plan`'s input for an agent TodoWrite, or undefined when the call is not one or has no step to show. */
export function composePlan(
  input: JsonObject,
  schema: JsonObject | undefined,
  upstreamName: string,
  clientName: string,
): JsonObject | undefined {
  if (clientName !== PLAN_TOOL || canonicalToolName(upstreamName) !== 'TodoWrite') return undefined;
  if (!Object.hasOwn(asRecord(schema?.['properties']) ?? {}, 'plan')) return undefined;
  const raw = input['todos'];
  const todos = typeof raw === 'string' ? parseJson(raw) : raw;
  if (!Array.isArray(todos)) return undefined;
  const plan = todos.flatMap((todo: unknown) => {
    const item = typeof todo === 'string' ? { content: todo } : asRecord(todo);
    const step = item?.['content'] ?? item?.['step'] ?? item?.['activeForm'];
    if (typeof step !== 'string' || step.trim() === '') return [];
    const status = typeof item?.['status'] === 'string' ? item['status'].toLowerCase() : '';
    // Codex refuses a status it does not know; anything else the agent wrote (`cancelled`) is still to be done.
    return [{ step, status: STATUSES.has(status) ? status : 'pending' }];
  });
  return plan.length > 0 ? { plan } : undefined;
}
