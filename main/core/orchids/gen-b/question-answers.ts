/**
 * The answers to the agent's AskUserQuestion, given to it as its own tool words them. On Codex CLI the call runs as
 * `request_user_input`, whose questions need an `id` the agent never writes, so the proxy makes one from each
 * question's header or text (../tool-input-values.ts); Codex answers by those ids (`{"answers":{"colour":
 * {"answers":["Blue"]}}}`, a typed note for "None of the above" as an answer `"user_note: …"`), names the agent has
 * never seen. The upstream is sent instead Claude Code's wording of an answered AskUserQuestion, each question by its
 * own text: `User has answered your questions: "Which colour?"="Blue". You can now continue with the user's answers
 * in mind.`
 *
 * The proxy keeps nothing between requests, so the questions are read from the call the result answers, which Codex
 * replays with the ids it was given. A result of any other shape (an error, Codex's "unavailable in Default mode", an
 * id no question has) goes as it was.
 *
 * On Continue's CLI the call runs as `AskQuestion`, one question (../question-compose.ts), which answers `User
 * selected option 1: "Blue"`, `User provided custom answer: "…"` or `User answered: "…"`; on Cline CLI as
 * `ask_question`, which answers with the option picked, its label alone (`Blue`), or the words typed instead, alone
 * too (`Teal, please`). The agent is sent the same wording, with the question the client replays: a typed answer is
 * worded as the agent's own AskUserQuestion words what was typed under "Other", as the answer itself. Cline's words
 * for a question dismissed (Esc), and a result it flagged as an error, go as they were.
 */
import type { Message, ToolDefinition, ToolResultContent } from '../../anthropic/types';
import { asRecord, clientToolSchema } from '../client-tools';
import { composesQuestion } from '../question-compose';
import { parseJson } from '../tool-input-coercion';
import { requiresQuestionIds } from '../tool-input-values';
import { canonicalToolName, resolveClientToolName } from '../tool-names';
import { QUESTIONS } from '../tool-vocabulary';
import { resultText } from './result-text';
import { replayedCalls } from './replayed-calls';

/** How Codex 0.171 marks the note typed with "None of the above" among a question's answers. */
const NOTE_PREFIX = 'user_note: ';

/**
 * Each question's text by its id, for every question call of a conversation with ids, by `tool_use` id. Undefined
 * when the client's question tool takes no ids (Claude Code's AskUserQuestion): its conversation is not walked.
 */
export function questionCalls(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): Map<string, Map<string, string>> | undefined {
  const questionTool = resolveClientToolName('AskUserQuestion', tools);
  if (questionTool === undefined || !requiresQuestionIds(clientToolSchema(questionTool, tools))) return undefined;
  let calls: Map<string, Map<string, string>> | undefined;
  for (const call of replayedCalls(messages)) {
    if (canonicalToolName(call.name) !== 'AskUserQuestion') continue;
    const list = asRecord(call.input)?.[QUESTIONS.list];
    if (!Array.isArray(list)) continue;
    const texts = new Map<string, string>();
    for (const item of list) {
      const question = asRecord(item);
      const id = question?.[QUESTIONS.id];
      const text = question?.['question'] ?? question?.['header'];
      if (typeof id === 'string' && typeof text === 'string') texts.set(id, text);
    }
    if (texts.size > 0) (calls ??= new Map()).set(call.id, texts);
  }
  return calls;
}

/** The answers in the agent's words, or undefined for a result that is not Codex's answers to these questions. */
export function wordAnswers(
  content: ToolResultContent | undefined,
  questions: ReadonlyMap<string, string>,
): string | undefined {
  const text = resultText(content);
  const parsed = text === undefined ? undefined : asRecord(parseJson(text));
  const answers = asRecord(onlyKey(parsed));
  if (answers === undefined) return undefined;
  const pairs: string[] = [];
  for (const [id, entry] of Object.entries(answers)) {
    const question = questions.get(id);
    const given = onlyKey(asRecord(entry));
    if (question === undefined || !Array.isArray(given) || !given.every((a) => typeof a === 'string')) return undefined;
    pairs.push(pair(question, given));
  }
  if (pairs.length === 0) return 'The user gave no answers: go on with your best judgment.';
  return answered(pairs);
}

/** A one-question call as the client replays it: the question, and the options it offered. */
export interface SingleQuestion {
  question: string;
  options: readonly string[];
  /** The client answers with the words typed alone, as it does with an option picked (Cline's `ask_question`). */
  typedAlone: boolean;
}

/**
 * The question tool that answers with the answer's text alone, typed or picked: Cline CLI 3's. Continue's answers in
 * words of its own, which tell a pick from a typed answer (SINGLE_ANSWER).
 */
const ANSWERS_ALONE = 'ask_question';
/** What Cline 3.0.65's window answers when the user dismisses its question (Esc). */
const CLINE_DISMISSED = '[User dismissed the question]';

/**
 * Each one-question call of a conversation (Continue's AskQuestion, Cline's ask_question, replayed as the proxy wrote
 * it), by `tool_use` id; undefined when there is none. Undefined too, the conversation not walked, when the client's
 * question tool is not one that asks one question (Claude Code's, Codex's).
 */
export function singleQuestionCalls(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): Map<string, SingleQuestion> | undefined {
  const questionTool = resolveClientToolName('AskUserQuestion', tools);
  if (questionTool === undefined || !composesQuestion('AskUserQuestion', clientToolSchema(questionTool, tools))) {
    return undefined;
  }
  let calls: Map<string, SingleQuestion> | undefined;
  for (const call of replayedCalls(messages)) {
    if (call.name !== questionTool) continue;
    const input = asRecord(call.input);
    const question = input?.['question'];
    if (typeof question !== 'string' || Object.hasOwn(input ?? {}, QUESTIONS.list)) continue;
    const offered = Array.isArray(input?.['options']) ? (input['options'] as unknown[]) : [];
    const options = offered.filter((option): option is string => typeof option === 'string');
    (calls ??= new Map()).set(call.id, { question, options, typedAlone: questionTool === ANSWERS_ALONE });
  }
  return calls;
}

/** Continue 1.5's answer to its AskQuestion: an option picked, or words typed. */
const SINGLE_ANSWER = /^User (?:selected option \d+|provided custom answer|answered): "([\s\S]*)"$/;

/**
 * The answer in the agent's words, or undefined for a result that is neither Continue's answer nor, from a client
 * that answers with the text alone, an answer (Cline's pick, or its typed words; not its dismissal).
 */
export function wordSingleAnswer(content: ToolResultContent | undefined, call: SingleQuestion): string | undefined {
  const text = resultText(content)?.trim() ?? '';
  const alone = call.options.includes(text) || (call.typedAlone && text !== '' && text !== CLINE_DISMISSED);
  const answer = SINGLE_ANSWER.exec(text)?.[1] ?? (alone ? text : undefined);
  if (answer === undefined) return undefined;
  return answered([pair(call.question, [answer])]);
}

/** Claude Code's wording of an answered AskUserQuestion. */
function answered(pairs: string[]): string {
  return `User has answered your questions: ${pairs.join(', ')}. You can now continue with the user's answers in mind.`;
}

/** `"question"="A, B"`, and the note typed with it, if any, after it. */
function pair(question: string, given: string[]): string {
  const chosen = given.filter((a) => !a.startsWith(NOTE_PREFIX));
  const notes = given.filter((a) => a.startsWith(NOTE_PREFIX)).map((a) => a.slice(NOTE_PREFIX.length));
  const answer = chosen.length > 0 ? `"${chosen.join(', ')}"` : '(no option selected)';
  return `"${question}"=${answer}${notes.length > 0 ? ` user notes: ${notes.join('; ')}` : ''}`;
}

/** The value of `answers` in an object with no other key: the one shape Codex writes, at both levels. */
function onlyKey(value: Record<string, unknown> | undefined): unknown {
  return value !== undefined && Object.keys(value).length === 1 ? value['answers'] : undefined;
}
