/**
 * The agent's questions to the user as one question of a client's. Generation B's agent asks with its
 * AskUserQuestion (`questions`: items of `question`, `header`, `options` of `{label, description}`, `multiSelect`).
 * Two clients declare a tool that asks one question, `question` a string and `options` a list of strings, which their
 * window shows for the user to pick from or type an answer: Continue's CLI (`cn` 1.5) its `AskQuestion` (with a
 * `defaultAnswer`), Cline CLI 3.0 its `ask_question` (2 to 5 options, as its schema's `minItems`/`maxItems` say).
 * Without this the call named a tool neither has, the proxy answered it, and the user never saw the question.
 *
 * The call is rewritten whole. One question goes with its options' labels (what the user picks, and so what the
 * answer names); the descriptions are dropped. Several go as one numbered question, each with its options named,
 * answered in the user's own words, since the tool asks one at a time; but a tool that requires options (Cline's)
 * would refuse a question with none, so it gets the first question alone, and the agent, answered, can ask again.
 */
import { asRecord, type JsonObject } from './client-tools';
import { parseJson } from './tool-input-coercion';
import { canonicalToolName } from './tool-names';

/** The client tool's key for the question's text, and for its choices. */
const QUESTION_KEY = 'question';
const OPTIONS_KEY = 'options';

/**
 * Whether the call is the agent's AskUserQuestion going to a question tool that takes one question as a string
 * (and so is rebuilt whole, not streamed as it arrives).
 */
export function composesQuestion(upstreamName: string, schema: JsonObject | undefined): boolean {
  if (canonicalToolName(upstreamName) !== 'AskUserQuestion') return false;
  const props = asRecord(schema?.['properties']);
  return asRecord(props?.[QUESTION_KEY])?.['type'] === 'string' && !Object.hasOwn(props ?? {}, 'questions');
}

/** The one-question input for an agent AskUserQuestion, or undefined when the call is not one or asks nothing. */
export function composeQuestion(
  input: JsonObject,
  schema: JsonObject | undefined,
  upstreamName: string,
): JsonObject | undefined {
  if (!composesQuestion(upstreamName, schema)) return undefined;
  const raw = typeof input['questions'] === 'string' ? parseJson(input['questions']) : input['questions'];
  if (!Array.isArray(raw)) return undefined;
  const questions = raw.flatMap((item: unknown) => {
    const record = asRecord(item);
    const text = record?.['question'] ?? record?.['header'];
    if (typeof text !== 'string' || text.trim() === '') return [];
    return [{ text: text.trim(), labels: labelsOf(record?.['options']) }];
  });
  if (questions.length === 0) return undefined;
  const options = asRecord(asRecord(schema?.['properties'])?.[OPTIONS_KEY]);
  // The options go only to a tool that takes them, at most as many as it takes.
  const withOptions = (labels: string[]) =>
    options ? { [OPTIONS_KEY]: labels.slice(0, countBound(options['maxItems']) ?? labels.length) } : {};
  const first = questions[0]!;
  if (questions.length === 1 || (countBound(options?.['minItems']) ?? 0) > 0) {
    return { [QUESTION_KEY]: first.text, ...withOptions(first.labels) };
  }
  const numbered = questions.map(
    (q, i) => `${i + 1}. ${q.text}${q.labels.length > 0 ? ` (${q.labels.join(' / ')})` : ''}`,
  );
  return { [QUESTION_KEY]: ['Please answer each of these:', ...numbered].join('\n'), ...withOptions([]) };
}

/** The options' labels (a bare string is its own label). */
function labelsOf(options: unknown): string[] {
  if (!Array.isArray(options)) return [];
  return options.flatMap((option: unknown) => {
    const label = typeof option === 'string' ? option : asRecord(option)?.['label'];
    return typeof label === 'string' && label.trim() !== '' ? [label.trim()] : [];
  });
}

/** A schema's `minItems` or `maxItems`, when it is a count. */
function countBound(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
