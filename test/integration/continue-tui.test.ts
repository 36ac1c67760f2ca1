import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { replayedToolUses, sentToolResults, served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import type { ContinueApi } from '../helpers/continue';
import { startContinueTui } from '../helpers/continue-tui';
import type { Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import type { Terminal } from '../helpers/tmux-terminal';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import { until } from '../helpers/wait';

/**
 * Continue's interactive window (`cn` 1.5.47 without `-p`) through the proxy, as a user at the keyboard meets it (the
 * other Continue tests run `cn -p`): Generation B's agent reads a file (no question asked), edits it through
 * Continue's MultiEdit (Continue asks, the user says yes), asks the user a question with its AskUserQuestion, which
 * Continue declares as its one-question `AskQuestion` (before the proxy mapped it, the window showed "[The agent
 * called the tool "AskUserQuestion", which this client does not provide …]" and the agent went on unanswered), and
 * the turn after carries every call and its result. One stack per Generation B transport, each through one of
 * Continue's two providers (Messages and Chat Completions).
 */
let stack: Stack;
let tui: Terminal | undefined;
const stopAfter = stopsAfterEach();

const KEY = 'test-continue-tui-key';
/** Continue's title request, made once the first answer is in: its own words, no system text, not streamed. */
const TITLE = /please reply with a title for the chat/;
const QUESTION = {
  question: 'Which colour should the button be?',
  header: 'Colour',
  multiSelect: false,
  options: [
    { label: 'Red', description: 'A warm red' },
    { label: 'Blue', description: 'A calm blue' },
  ],
};

/** The tool results one upstream turn carries back, as text. */
const results = (request: AgentRequestInfo): string => JSON.stringify(sentToolResults(request));

const CASES: ReadonlyArray<{ protocol: 'ws' | 'sse-b'; api: ContinueApi; row: string }> = [
  { protocol: 'ws', api: 'anthropic', row: 'anthropic' },
  { protocol: 'sse-b', api: 'openai', row: 'openai-chat' },
];

describe.each(CASES)("Continue's window through the proxy ($protocol, $api)", ({ protocol, api, row }) => {
  it(
    'reads, edits once the user says yes, asks a question, and carries it all the next turn',
    {
      timeout: 120_000,
    },
    async () => {
      stack = stopAfter(await startCliStack(pinnedMode(protocol), KEY));
      const work = tempDir('orchids-continue-work-');
      const file = path.join(work, 'settings.txt');
      fs.writeFileSync(file, 'fruit = FIG-12\nsize = 3\n');
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (TITLE.test(seen)) return sse(reply('Fig rename'));
        if (!seen.includes('Rename FIG-12')) return undefined;
        if (seen.includes('Thanks for FIG-13')) return sse(reply('You are welcome.'));
        // Chat Completions gives each call an id of its own kind (`call_…`) on its way to the client and back.
        const call = (id: string, name: string, input: unknown) =>
          sse([...text(`Calling ${name}.`), ...toolCall({ id, name, input }), ...finish('tool-calls')]);
        // Continue edits only a file read in the same session.
        if (!seen.includes('sim_read_0001')) return call('toolu_sim_read_0001', 'Read', { file_path: file });
        if (!seen.includes('sim_edit_0001')) {
          return call('toolu_sim_edit_0001', 'Edit', { file_path: file, old_string: 'FIG-12', new_string: 'FIG-13' });
        }
        if (!seen.includes('sim_ask_0001')) {
          return call('toolu_sim_ask_0001', 'AskUserQuestion', { questions: [QUESTION] });
        }
        const answered = /User has answered your questions: "Which colour should the button be\?"="Blue"/.test(seen);
        return sse(reply(answered ? 'Renamed it to FIG-13; the button will be blue.' : 'No answer came back.'));
      });
      tui = stopAfter(startContinueTui(work, stack.url, KEY, api));

      await tui.waitFor(/Ask anything/, 60_000);
      await tui.submit('Rename FIG-12 in settings.txt');
      // The read runs at once; the edit waits for the user, showing what it will change.
      await tui.waitFor(/Would you like to continue\?/, 30_000);
      expect(tui.screen()).toMatch(/\+ fruit = FIG-13/);
      await tui.choose('Enter', /Would you like to continue\?/);
      // The agent's question, with its options, in Continue's own question box: the second option picked.
      await tui.waitFor(/\? Which colour should the button be\?/, 30_000);
      expect(tui.screen()).toMatch(/❯ Red\s*│[\s\S]*Blue/);
      // A key pressed as the box is drawn can be lost (seen on a busy machine): pressed again until Blue is marked.
      await until(
        async () => {
          if (/❯ Blue/.test(tui!.screen())) return true;
          tui!.press('Down');
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          return /❯ Blue/.test(tui!.screen());
        },
        { what: 'the second option to be marked', timeoutMs: 20_000 },
      );
      await tui.choose('Enter', /↑\/↓ navigate, Enter select/);
      await tui.waitFor(/Renamed it to FIG-13|No answer came back/, 30_000);
      expect(tui.screen()).toContain('Renamed it to FIG-13; the button will be blue.');
      expect(tui.screen()).not.toContain('which this client does not provide');
      expect(fs.readFileSync(file, 'utf8')).toBe('fruit = FIG-13\nsize = 3\n');

      await tui.submit('Thanks for FIG-13');
      await tui.waitFor(/You are welcome\./, 30_000);
      // The follow-up carries each call as Continue ran it and each result as the agent reads it.
      const followUp = turnsAbout(stack, /Thanks for FIG-13/).at(-1)!;
      expect(replayedToolUses(followUp).map((use) => [String(use.id).replace(/^call_/, 'toolu_'), use.name])).toEqual([
        ['toolu_sim_read_0001', 'Read'],
        ['toolu_sim_edit_0001', 'MultiEdit'],
        ['toolu_sim_ask_0001', 'AskQuestion'],
      ]);
      expect(replayedToolUses(followUp)[2]!.input).toEqual({ question: QUESTION.question, options: ['Red', 'Blue'] });
      expect(results(followUp)).toContain('fruit = FIG-12');
      expect(results(followUp)).toContain('Successfully edited');
      expect(results(followUp)).toContain(
        `User has answered your questions: \\"${QUESTION.question}\\"=\\"Blue\\". You can now continue`,
      );
      // Every request answered in full on the pinned protocol: the five turns streamed, the title not.
      const rows = await served(stack);
      expect(rows.filter((r) => r.status !== 200 || r.protocol !== protocol || r.api !== row)).toEqual([]);
      expect(rows.filter((r) => !r.stream)).toHaveLength(1);
      expect(rows.filter((r) => r.stream)).toHaveLength(5);
    },
  );
});
