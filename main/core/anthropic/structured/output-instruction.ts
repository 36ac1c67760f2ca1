/**
 * The words that tell the upstream what shape an answer must have. They go into the system text, the one place
 * both generations read instructions from. Generation A carries the client's tools, so a forced tool is asked for
 * as a call; Generation B's agent has only its own tools, so it is asked for the call's arguments as JSON text.
 */
import type { OutputPlan, ToolTarget } from './output-plan';

export type Generation = 'a' | 'b';

/** An answer that failed the check, told to the upstream on the one retry. */
export interface Rejection {
  problem: string;
  answer: string;
}

const JSON_ONLY = 'Reply with the JSON alone: no words before or after it, no Markdown code fence.';
const QUOTED_ANSWER_LIMIT = 600;

export function outputInstruction(plan: OutputPlan, generation: Generation, rejected?: Rejection): string | undefined {
  const parts: string[] = [];
  const shape = plan.shape;
  if (shape?.kind === 'json') {
    parts.push(
      `The application reading this answer needs it as JSON. ${JSON_ONLY} ` +
        `It must be valid against this JSON Schema:\n${JSON.stringify(shape.schema)}`,
    );
  } else if (shape?.kind === 'tool') {
    parts.push(generation === 'a' ? callInstruction(shape) : argumentsInstruction(shape));
  }
  if (plan.withholdToolCalls) parts.push('Do not call any tool for this answer: answer in text only.');
  if (plan.maxToolUses === 1 && shape?.kind !== 'tool') parts.push('Call at most one tool in this answer.');
  if (rejected) {
    const quoted =
      rejected.answer.length > QUOTED_ANSWER_LIMIT
        ? `${rejected.answer.slice(0, QUOTED_ANSWER_LIMIT)}…`
        : rejected.answer;
    parts.push(
      `Your previous answer to this request was rejected because ${rejected.problem}. ` +
        `It was: ${quoted || '(empty)'}\nAnswer again, in exactly the required form.`,
    );
  }
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

function callInstruction(shape: { tools: ToolTarget[]; named: boolean; parallel: boolean }): string {
  const one = shape.parallel ? '' : ' Make exactly one tool call.';
  return shape.named
    ? `For this answer you must call the tool "${shape.tools[0]!.name}". Call it; do not answer in prose.${one}`
    : `For this answer you must call one of the provided tools; do not answer in prose.${one}`;
}

function argumentsInstruction(shape: { tools: ToolTarget[]; named: boolean }): string {
  const noTools = 'Do not use any of your own tools for this answer.';
  if (shape.tools.length === 1) {
    const tool = shape.tools[0]!;
    return (
      `The application reading this answer needs it as the arguments of its function ` +
      `"${tool.name}"${describe(tool)}. ${noTools} ${JSON_ONLY} ` +
      `Reply with one JSON object of the arguments, valid against this JSON Schema:\n${JSON.stringify(tool.schema)}`
    );
  }
  const list = shape.tools
    .map((tool) => `- "${tool.name}"${describe(tool)}; arguments schema: ${JSON.stringify(tool.schema)}`)
    .join('\n');
  return (
    `The application reading this answer needs it as a call to one of its functions, listed below. ${noTools} ` +
    `${JSON_ONLY} Reply with one JSON object {"name": "<function name>", "arguments": {…}} whose arguments are ` +
    `valid against that function's schema.\n${list}`
  );
}

const describe = (tool: ToolTarget): string => (tool.description ? ` (${tool.description})` : '');
