/**
 * The agent's AskUserQuestion as Cline CLI's `ask_question`. The agent asks a list of questions (`questions`:
 * items of `question`, `header`, `options` of `{label, description}`, `multiSelect`); Cline CLI 3.0.65 declares
 * `ask_question`, one question (`question`, a string) and 2-5 options (`options`, a list of strings), which its
 * window shows for the user to pick from. Without this the call named a tool Cline lacks and was answered by the
 * proxy, and the user never saw the question. The keys share no synonym and the list is nested, so the call is
 * rewritten whole here: the first question and its options' labels (what the user picks, and so what the answer
 * names); the descriptions are dropped, and so are further questions, which that tool has no room for (the agent,
 * answered on the first, can ask again).
 */
import type { JsonObject } from './client-tools';
import { asRecord } from './client-tools';
import { canonicalToolName } from './tool-names';

/** Cline's bounds: "an array of 2-5 options". */
const MOST_OPTIONS = 5;

/** Whether the client's tool takes one question and a list of option strings, as Cline's `ask_question` does. */
export function asksOneQuestion(upstreamName: string, schema: JsonObject | undefined): boolean {
  if (canonicalToolName(upstreamName) !== 'AskUserQuestion') return false;
  const props = asRecord(schema?.['properties']);
  const question = asRecord(props?.['question']);
  const options = asRecord(props?.['options']);
  return (
    question?.['type'] === 'string' &&
    options?.['type'] === 'array' &&
    asRecord(options['items'])?.['type'] === 'string' &&
    !Object.hasOwn(props ?? {}, 'questions')
  );
}

/** `{question, options}` for an agent AskUserQuestion, or undefined when the call is not one or asks nothing. */
export function composeQuestion(
  input: JsonObject,
  schema: JsonObject | undefined,
  upstreamName: string,
): JsonObject | undefined {
  if (!asksOneQuestion(upstreamName, schema)) return undefined;
  const list = input['questions'];
  const first = asRecord(Array.isArray(list) ? list[0] : undefined);
  const question = first?.['question'] ?? first?.['header'];
  if (typeof question !== 'string' || question.trim() === '') return undefined;
  const options = (Array.isArray(first?.['options']) ? (first['options'] as unknown[]) : [])
    .map((option) => (typeof option === 'string' ? option : asRecord(option)?.['label']))
    .filter((label): label is string => typeof label === 'string' && label.trim() !== '')
    .slice(0, MOST_OPTIONS);
  return { question, options };
}
