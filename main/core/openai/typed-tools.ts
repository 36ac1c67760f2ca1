/**
 * The Responses API's typed client tools, `shell`, `apply_patch` and `local_shell`: the client runs them, like
 * Anthropic's `bash_…` and `text_editor_…` tools, and the request carries only their type. Each goes upstream as a
 * tool named after its type whose input schema is the shape of its call (`action`, `operation`), so a call comes
 * back as the tool's own item (`shell_call`, `apply_patch_call`, `local_shell_call`) and a replayed call and its
 * output go upstream as a tool use and its result.
 */
import type { ToolDefinition } from '../anthropic/types';
import { invalidType, isObject, optionalString, requireString, unsupported, type Json } from './params';
import { textContent, type Block } from './shared';

export const TYPED_TOOLS = ['shell', 'apply_patch', 'local_shell'] as const;
export type TypedTool = (typeof TYPED_TOOLS)[number];

export const isTypedTool = (type: unknown): type is TypedTool => (TYPED_TOOLS as readonly unknown[]).includes(type);

const str = { type: 'string' };
const strings = { type: 'array', items: str };
const int = { type: 'integer' };

const DEFINITIONS: Record<TypedTool, Omit<ToolDefinition, 'name'>> = {
  shell: {
    description:
      "Run shell commands on the user's machine. commands are run in order, each in a shell; timeout_ms bounds " +
      'each command and max_output_length the output kept of it. The output of each comes back to you.',
    input_schema: {
      type: 'object',
      properties: { commands: strings, timeout_ms: int, max_output_length: int },
      required: ['commands'],
      additionalProperties: false,
    },
  },
  apply_patch: {
    description:
      "Create, update or delete one file on the user's machine. type create_file writes a new file at path whose " +
      "content is diff, a V4A diff with every line prefixed '+'; update_file applies diff, a V4A diff of @@ " +
      "hunks with ' ', '-' and '+' lines, to the file at path; delete_file removes the file at path.",
    input_schema: {
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['create_file', 'update_file', 'delete_file'] },
        path: str,
        diff: str,
      },
      required: ['type', 'path'],
      additionalProperties: false,
    },
  },
  local_shell: {
    description:
      "Run one command on the user's machine. command is its argument vector (for a shell line, " +
      '["bash", "-lc", "<line>"]); working_directory, timeout_ms, env and user are optional.',
    input_schema: {
      type: 'object',
      properties: {
        command: strings,
        working_directory: str,
        timeout_ms: int,
        env: { type: 'object', additionalProperties: str },
        user: str,
      },
      required: ['command'],
      additionalProperties: false,
    },
  },
};

/**
 * The upstream tool for a typed tool declaration. A `shell` tool whose environment is one of OpenAI's containers is
 * run by OpenAI, not by the client: it is refused as a hosted tool is.
 */
export function typedTool(type: TypedTool, tool: Json, param: string): ToolDefinition {
  const environment = tool.environment;
  if (environment !== undefined && environment !== null) {
    if (!isObject(environment)) invalidType(`${param}.environment`, 'an object', environment);
    if (environment.type !== 'local') {
      unsupported(
        `${param}.environment.type`,
        `'${String(environment.type)}': only a local shell, which the client runs, is supported; the Orchids ` +
          'upstream runs no containers.',
      );
    }
  }
  return { name: type, ...DEFINITIONS[type] };
}

const strOr = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const intOr = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) ? value : null);
const stringList = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.map(String) : [];
const OPERATIONS = ['create_file', 'update_file', 'delete_file'];

/**
 * A call's item (`call_id` already in OpenAI's form), built from the tool_use input the upstream wrote and held to
 * the item's shape: fields the SDK's types require are always there (null where the model gave nothing), so a
 * client reading them never meets undefined.
 */
export function typedCallItem(type: TypedTool, id: string, call_id: string, input: unknown, status: string): Json {
  const args = isObject(input) ? input : {};
  switch (type) {
    case 'shell':
      return {
        type: 'shell_call',
        id,
        call_id,
        action: {
          commands: stringList(args.commands ?? args.command),
          timeout_ms: intOr(args.timeout_ms),
          max_output_length: intOr(args.max_output_length),
        },
        environment: null,
        status,
      };
    case 'apply_patch': {
      const kind = typeof args.type === 'string' && OPERATIONS.includes(args.type) ? args.type : 'update_file';
      const operation: Json = { type: kind, path: strOr(args.path) ?? '' };
      if (kind !== 'delete_file') operation.diff = strOr(args.diff) ?? '';
      return { type: 'apply_patch_call', id, call_id, operation, status };
    }
    case 'local_shell': {
      const env = isObject(args.env)
        ? Object.fromEntries(Object.entries(args.env).filter(([, value]) => typeof value === 'string'))
        : {};
      return {
        type: 'local_shell_call',
        id,
        call_id,
        action: {
          type: 'exec',
          command: stringList(args.command),
          env,
          timeout_ms: intOr(args.timeout_ms),
          user: strOr(args.user),
          working_directory: strOr(args.working_directory),
        },
        status,
      };
    }
  }
}

/** The item id prefix OpenAI gives each call type. */
export const TYPED_ITEM_PREFIX: Record<TypedTool, string> = { shell: 'sh', apply_patch: 'apc', local_shell: 'lsh' };

/** The fields of a replayed action or operation that carry a value: nulls say "not given", as a missing key does. */
const given = (value: Json): Json => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));

function requireObject(owner: Json, key: string, path: string): Json {
  const value = owner[key];
  if (!isObject(value)) invalidType(path, 'an object', value);
  return value;
}

/**
 * A replayed typed call or output item as the Messages API block it stands for, or undefined for another item.
 * A `local_shell_call_output` names its call by `id` in OpenAI's types (Codex sends `call_id`): either is read.
 */
export function typedReplay(item: Json, param: string): { role: 'assistant' | 'user'; block: Block } | undefined {
  const callId = (): string => requireString(item, 'call_id', `${param}.call_id`);
  switch (item.type) {
    case 'shell_call':
      return use(callId(), 'shell', given(requireObject(item, 'action', `${param}.action`)));
    case 'apply_patch_call':
      return use(callId(), 'apply_patch', given(requireObject(item, 'operation', `${param}.operation`)));
    case 'local_shell_call': {
      // The action's `type` is always `exec`: the tool's input schema has no place for it.
      const action = given({ ...requireObject(item, 'action', `${param}.action`), type: null });
      const id = optionalString(item, 'call_id', `${param}.call_id`) ?? requireString(item, 'id', `${param}.id`);
      return use(id, 'local_shell', action);
    }
    case 'shell_call_output':
      return result(callId(), shellOutput(item.output, `${param}.output`), false);
    case 'apply_patch_call_output': {
      const failed = item.status === 'failed';
      const output = optionalString(item, 'output', `${param}.output`);
      return result(callId(), output || (failed ? 'The patch failed.' : 'The patch was applied.'), failed);
    }
    case 'local_shell_call_output': {
      const id = optionalString(item, 'call_id', `${param}.call_id`) ?? requireString(item, 'id', `${param}.id`);
      return result(id, textContent(item.output, `${param}.output`, ['input_text', 'output_text']), false);
    }
    default:
      return undefined;
  }
}

const use = (id: string, name: TypedTool, input: Json) =>
  ({ role: 'assistant', block: { type: 'tool_use', id, name, input } }) as const;
const result = (id: string, content: string, isError: boolean) =>
  ({
    role: 'user',
    block: { type: 'tool_result', tool_use_id: id, content, ...(isError ? { is_error: true } : {}) },
  }) as const;

/** A shell call's outputs (one per command) as the text the model reads: stdout, stderr and how it ended. */
function shellOutput(output: unknown, param: string): string {
  if (!Array.isArray(output)) invalidType(param, 'an array', output);
  return output
    .map((entry, i) => {
      if (!isObject(entry)) invalidType(`${param}[${i}]`, 'an object', entry);
      const outcome = isObject(entry.outcome) ? entry.outcome : {};
      const ended =
        outcome.type === 'timeout'
          ? 'timed out'
          : `exit code ${typeof outcome.exit_code === 'number' ? outcome.exit_code : '?'}`;
      const stderr = typeof entry.stderr === 'string' && entry.stderr !== '' ? `\nstderr:\n${entry.stderr}` : '';
      return `${typeof entry.stdout === 'string' ? entry.stdout : ''}${stderr}\n(${ended})`;
    })
    .join('\n\n');
}
