import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo, type SimStep } from '../sim/orchids-simulator';
import { served, startCliStack, sentToolResults, turnsAbout } from '../helpers/cli-clients';
import type { ClineProvider } from '../helpers/cline';
import { autoApproveOff, startClineTui } from '../helpers/cline-tui';
import type { Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import type { Terminal } from '../helpers/tmux-terminal';
import { pinnedMode, sentToolPair } from '../helpers/upstream';
import { until } from '../helpers/wait';

/**
 * Cline CLI 3.0.65's interactive window through the proxy, as a user at the keyboard meets it (the other Cline tests
 * run `cline --json` with a prompt): auto-approve turned off (Shift+Tab), a read Cline runs unasked, an edit approved
 * at Cline's prompt, and questions the agent asks with its AskUserQuestion, which Cline shows as its own
 * `ask_question` (before, the proxy answered that call itself, naming Cline's tools, and the user never saw it), one
 * answered with an option picked and one with words typed instead, each followed by the agent's turn carrying the
 * call and its result. One stack per Generation B transport, each through one of Cline's two providers (Messages and
 * Chat Completions).
 */
let stack: Stack;
let tui: Terminal | undefined;
const stopAfter = stopsAfterEach();

const KEY = 'test-cline-tui-key';

/** The newest user message's text blocks and tool results (Chat Completions' text comes as a string). */
function newestUser(request: AgentRequestInfo): { text: string; results: number } {
  const messages = request.body.messages as Array<{ role: string; content: unknown }>;
  const last = messages.filter((m) => m.role === 'user').at(-1)?.content;
  if (typeof last === 'string') return { text: last, results: 0 };
  const blocks = Array.isArray(last) ? (last as Array<{ type: string; text?: string }>) : [];
  return {
    text: blocks.map((b) => (b.type === 'text' ? b.text : '')).join('\n'),
    results: blocks.filter((b) => b.type === 'tool_result').length,
  };
}

/** The user's newest typed words: the text of the last user message that has any. */
function newestPrompt(request: AgentRequestInfo): string {
  const messages = request.body.messages as Array<{ role: string; content: unknown }>;
  for (const message of messages.filter((m) => m.role === 'user').reverse()) {
    const words =
      typeof message.content === 'string'
        ? message.content
        : newestUser({ body: { messages: [message] } } as AgentRequestInfo).text;
    if (words.trim()) return words;
  }
  return '';
}

/** The agent's AskUserQuestion with one question, its options as `[label, description]` pairs. */
function askCall(id: string, question: string, header: string, options: Array<[string, string]>): SimStep[] {
  const offered = options.map(([label, description]) => ({ label, description }));
  return toolCall({
    id,
    name: 'AskUserQuestion',
    input: { questions: [{ question, header, multiSelect: false, options: offered }] },
  });
}

const CASES: ReadonlyArray<{ protocol: 'ws' | 'sse-b'; provider: ClineProvider; api: string; id: string }> = [
  { protocol: 'ws', provider: 'anthropic', api: 'anthropic', id: 'toolu_sim_' },
  { protocol: 'sse-b', provider: 'openai-compatible', api: 'openai-chat', id: 'call_sim_' },
];

describe.each(CASES)(
  "Cline's terminal window through the proxy ($protocol, $provider)",
  ({ protocol, provider, api, id }) => {
    it(
      'reads, edits once approved, asks the user twice, and carries each call and result',
      { timeout: 120_000 },
      async () => {
        stack = stopAfter(await startCliStack(pinnedMode(protocol), KEY));
        const work = tempDir('orchids-cline-tui-work-');
        const notes = path.join(work, 'notes.txt');
        const config = path.join(work, 'config.txt');
        fs.writeFileSync(notes, 'The password is MANGO-77.\n');
        fs.writeFileSync(config, 'colour = red\n');
        // The agent: each of the user's three messages gets one call, then an answer made from what came back.
        const steps: Array<{ asked: RegExp; call: SimStep[]; answer: (result: string) => string }> = [
          {
            asked: /What does notes\.txt say/,
            call: toolCall({ id: 'toolu_sim_read', name: 'Read', input: { file_path: notes } }),
            answer: (seen) => (seen.includes('MANGO-77') ? 'The notes say MANGO-77.' : 'The read came back empty.'),
          },
          {
            asked: /Make the colour blue/,
            call: toolCall({
              id: 'toolu_sim_edit',
              name: 'Edit',
              input: { file_path: config, old_string: 'colour = red', new_string: 'colour = blue' },
            }),
            answer: (seen) => (seen.includes('colour = blue') ? 'The colour is blue now.' : 'The edit did not happen.'),
          },
          {
            asked: /Ask me about the size/,
            call: askCall('toolu_sim_ask', 'Which size?', 'Size', [
              ['Small', 'Fits a pocket.'],
              ['Large', 'Fills a desk.'],
            ]),
            answer: (seen) => (seen.includes('Small') ? 'Small it is.' : `No size came back: ${seen.slice(0, 200)}`),
          },
          {
            asked: /Ask me about the colour/,
            call: askCall('toolu_sim_type', 'Which colour?', 'Colour', [
              ['Red', 'Warm.'],
              ['Blue', 'Calm.'],
            ]),
            answer: (seen) => (seen.includes('Teal') ? 'Teal it is.' : `No colour came back: ${seen.slice(0, 200)}`),
          },
        ];
        stack.sim.onAgentRequest((req) => {
          const step = steps.find((s) => s.asked.test(newestPrompt(req)));
          if (!step) return undefined;
          const newest = newestUser(req);
          if (newest.results === 0) return sse([...text('On it.'), ...step.call, ...finish('tool-calls')]);
          return sse(reply(step.answer(JSON.stringify(sentToolResults(req)))));
        });

        tui = stopAfter(await startClineTui(work, stack.url, KEY, provider));
        // Auto-approve all is on as Cline starts: turned off, as a careful user does, so the edit asks first.
        await autoApproveOff(tui);

        await tui.submit('What does notes.txt say?');
        await tui.waitFor(/The notes say MANGO-77\.|The read came back empty\./, 30_000);
        expect(tui.screen()).toContain('The notes say MANGO-77.');

        await tui.submit('Make the colour blue');
        await tui.waitFor(/Approve tool call\?/, 30_000);
        expect(fs.readFileSync(config, 'utf8')).toBe('colour = red\n');
        await tui.choose('y', /Approve tool call\?/);
        await tui.waitFor(/The colour is blue now\.|The edit did not happen\./, 30_000);
        expect(fs.readFileSync(config, 'utf8')).toBe('colour = blue\n');

        // The agent's question shows in Cline's window, its options to pick from; the first is taken.
        await tui.submit('Ask me about the size');
        await tui.waitFor(/Cline is asking a question[\s\S]*Which size\?[\s\S]*Small[\s\S]*Large/, 30_000);
        await tui.choose('Enter', /Cline is asking a question/);
        await tui.waitFor(/Small it is\.|No size came back/, 30_000);
        expect(tui.screen()).toContain('Small it is.');

        // An answer typed instead of an option picked: the first key moves Cline to its "Type a response" line. A key
        // pressed as the question is drawn can be lost: the line is cleared (Delete) and typed again until it shows.
        await tui.submit('Ask me about the colour');
        await tui.waitFor(/Cline is asking a question[\s\S]*Which colour\?[\s\S]*Red[\s\S]*Blue/, 30_000);
        await until(
          async () => {
            if (/Teal please/.test(tui!.screen())) return true;
            tui!.press('Delete');
            tui!.press('Teal please');
            await new Promise((resolve) => setTimeout(resolve, 1_000));
            return /Teal please/.test(tui!.screen());
          },
          { timeoutMs: 30_000, what: 'the typed answer to show in Cline’s question' },
        );
        await tui.choose('Enter', /Cline is asking a question/);
        await tui.waitFor(/Teal it is\.|No colour came back/, 30_000);
        expect(tui.screen()).toContain('Teal it is.');

        // Each answer's turn carried the call Cline ran, under Cline's name and the id it reached Cline with, and its
        // result.
        const after = (asked: RegExp) => turnsAbout(stack, asked).filter((t) => newestUser(t).results > 0);
        const [read] = after(/What does notes\.txt say/);
        expect(sentToolPair(read!, `${id}read`, 'read_files', 'MANGO-77')).toBe(true);
        // Cline answers read_files with JSON about the read; the agent reads the file as its own Read gives it.
        expect(sentToolResults(read!).find((r) => r.tool_use_id === `${id}read`)?.content).toBe(
          '     1\tThe password is MANGO-77.',
        );
        const [edit] = after(/Make the colour blue/);
        expect(sentToolPair(edit!, `${id}edit`, 'editor', 'colour = blue')).toBe(true);
        const [ask] = after(/Ask me about the size/);
        expect(sentToolPair(ask!, `${id}ask`, 'ask_question', 'Small')).toBe(true);
        // Cline answers with the label picked; the agent reads it as its own AskUserQuestion words an answer.
        expect(sentToolResults(ask!).find((r) => r.tool_use_id === `${id}ask`)?.content).toBe(
          'User has answered your questions: "Which size?"="Small". ' +
            "You can now continue with the user's answers in mind.",
        );
        // Cline answers with the words typed alone; the agent reads them as its own AskUserQuestion words an answer
        // typed under "Other".
        const [typed] = after(/Ask me about the colour/);
        expect(sentToolResults(typed!).find((r) => r.tool_use_id === `${id}type`)?.content).toBe(
          'User has answered your questions: "Which colour?"="Teal please". ' +
            "You can now continue with the user's answers in mind.",
        );

        // Eight requests, one history row each: four calls, four answers, all on the pinned protocol.
        expect(await served(stack)).toEqual(
          Array.from({ length: 8 }, () => ({ api, stream: true, status: 200, protocol })),
        );
      },
    );
  },
);
