/**
 * OpenAI's custom (freeform) tools as Messages API tools: the client runs them like functions, but their input is
 * free text, which travels upstream and back in one string property.
 */
import type { ToolDefinition } from '../anthropic/types';
import { invalidType, invalidValue, isObject, missing, optionalObject, requireString } from './params';

/** The one string property a custom tool's free-text input travels in, upstream and back. */
export const CUSTOM_INPUT = 'input';

/**
 * A custom tool as a Messages API tool: its free text goes in one string property, and a grammar is given to the
 * model as words, since nothing upstream can hold an answer to a Lark grammar or a regular expression. Chat
 * Completions nests a grammar's `definition` and `syntax` in `grammar`; Responses puts them on the format.
 */
export function customTool(
  name: string,
  description: unknown,
  format: unknown,
  param: string,
  nested: boolean,
): ToolDefinition {
  if (description !== undefined && description !== null && typeof description !== 'string') {
    invalidType(`${param}.description`, 'a string', description);
  }
  const rule = inputRule(format, `${param}.format`, nested);
  const told = `This tool takes free text, not JSON arguments: send all of it as the string "${CUSTOM_INPUT}".`;
  return {
    name,
    description: [typeof description === 'string' ? description : '', told, rule].filter(Boolean).join('\n\n'),
    input_schema: {
      type: 'object',
      properties: { [CUSTOM_INPUT]: { type: 'string', description: 'The whole input, as free text.' } },
      required: [CUSTOM_INPUT],
      additionalProperties: false,
    },
  };
}

const SYNTAXES = ['lark', 'regex'] as const;

/** A custom tool's format in words: undefined for free text, the grammar for a grammar format. */
function inputRule(format: unknown, param: string, nested: boolean): string | undefined {
  if (format === undefined || format === null) return undefined;
  if (!isObject(format)) invalidType(param, 'an object', format);
  if (format.type === 'text') return undefined;
  if (format.type !== 'grammar') invalidValue(`${param}.type`, format.type, ['text', 'grammar']);
  const grammar = nested
    ? (optionalObject(format, 'grammar', `${param}.grammar`) ?? missing(`${param}.grammar`))
    : format;
  const where = nested ? `${param}.grammar` : param;
  const definition = requireString(grammar, 'definition', `${where}.definition`);
  const syntax = grammar.syntax;
  if (syntax === undefined || syntax === null) missing(`${where}.syntax`);
  if (syntax !== 'lark' && syntax !== 'regex') invalidValue(`${where}.syntax`, syntax, SYNTAXES);
  return syntax === 'lark'
    ? `The input must be a sentence of this Lark grammar:\n${definition}`
    : `The input must match this regular expression in full:\n${definition}`;
}
