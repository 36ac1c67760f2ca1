/**
 * The agent's questions to the user as one question of a client's. Generation B's agent asks with its
 * AskUserQuestion (`questions`: items of `question`, `header`, `options` of `{label, description}`, `multiSelect`);
 * Continue's CLI (`cn` 1.5) declares `AskQuestion` (`question`: one string, `options`: a list of strings, and a
 * `defaultAnswer`), shows the question with its options in its window, and lets the user pick one or type an
 * answer. The call is rewritten whole: one question goes with its options' labels, several go as one numbered
 * question (each with its options named) answered in the user's own words, since the tool asks one at a time.
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
  // The options go only to a tool that takes them; several questions are answered in words, so they offer none.
  const takesOptions = Object.hasOwn(asRecord(schema?.['properties']) ?? {}, OPTIONS_KEY);
  if (questions.length === 1) {
    const only = questions[0]!;
    return { [QUESTION_KEY]: only.text, ...(takesOptions ? { [OPTIONS_KEY]: only.labels } : {}) };
  }
  const numbered = questions.map(
    (q, i) => `${i + 1}. ${q.text}${q.labels.length > 0 ? ` (${q.labels.join(' / ')})` : ''}`,
  );
  const text = ['Please answer each of these:', ...numbered].join('\n');
  return { [QUESTION_KEY]: text, ...(takesOptions ? { [OPTIONS_KEY]: [] } : {}) };
}

/** The options' labels (a bare string is its own label). */
function labelsOf(options: unknown): string[] {
  if (!Array.isArray(options)) return [];
  return options.flatMap((option: unknown) => {
    const label = typeof option === 'string' ? option : asRecord(option)?.['label'];
    return typeof label === 'string' && label.trim() !== '' ? [label.trim()] : [];
  });
}
