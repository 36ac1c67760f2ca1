import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { answered, upstreamText, type ProtocolMode } from './upstream';
import type { Stack } from './stack';
import { replayedCalls, sentResults, startCliStack, served, turnsAbout } from './cli-clients';
import { tempDir } from './temp-dir';
import type { OpencodeApi } from './opencode';
import { runKilo } from './kilo';
import { servePage } from './loopback-page';

const KEY = 'test-kilo-key';

/** A route through the proxy for Kilo: the upstream protocol, Kilo's provider, and the API the app's history names. */
export interface KiloRoute {
  mode: ProtocolMode;
  api: OpencodeApi;
  served: string;
}

/**
 * Kilo on each of `routes`, in one run each: the agent's Write, Bash, Glob and Grep in one step, each reaching
 * Kilo as opencode's tool in its keys, and what each gave going back upstream as the agent's results. What comes back
 * exists only once Kilo ran the tool (the command computes its output; Glob and Grep find files the prompt does not
 * name), and the model goes on only once the command's output reached it. Then the agent's TodoWrite and Task in one
 * step: Kilo's `todowrite` and its `task`, whose sub-agent is a child session making its own request through the
 * proxy. Once the sub-agent's report came back as the Task's result, the agent's WebFetch of a page on loopback:
 * Kilo's `webfetch`, whose reading of the page the model must see before it answers, in pieces.
 * Generation A is shown Kilo's own tools (its glob as `Glob`), so there the model calls them in Kilo's names and keys.
 * DECISION: one run per route, not one for the sub-agent: each Kilo start costs 12–15 s of CPU on a two-core machine.
 * Shared by kilo-cli.test.ts and kilo-cli-chat.test.ts, so that vitest runs the two files' Kilo starts on two workers.
 */
export function describeKiloDelegating(routes: KiloRoute[]): void {
  let stack: Stack;
  afterEach(async () => stack?.stop());

  describe.each(routes)(
    'Kilo Code CLI through Orchids Tray, many tools ($mode.name, $api)',
    ({ mode, api, served: apiName }: KiloRoute) => {
      const genA = mode.expect === 'sse-a';
      // The agent's ids as Kilo and then the upstream see them: Chat Completions spells them `call_…`.
      const id = (name: string) => `${api === 'openai-chat' ? 'call' : 'toolu'}_sim_kilo_${name}`;

      it('does four things in one step, then plans, delegates and fetches a page', { timeout: 240_000 }, async () => {
        stack = await startCliStack(mode, KEY);
        const work = tempDir('orchids-kilo-work-');
        const created = path.join(work, 'recipe.txt');
        fs.mkdirSync(path.join(work, 'docs'));
        fs.writeFileSync(path.join(work, 'docs', 'GUIDE-19.md'), '# Guide\n');
        fs.writeFileSync(path.join(work, 'seed.txt'), 'first line\nthe PEACH-64 crate\n');
        // What Kilo's tools are given, in its keys; Generation B's agent sends its own, Generation A's sends these.
        const kiloInputs = [
          { filePath: created, content: 'Add LIME-58.\n' },
          { command: 'echo "BASH-$((6*7))"', description: 'Count' },
          { pattern: '**/*.md', path: work },
          { pattern: 'PEACH-[0-9]+', path: work, include: '*.txt' },
        ];
        const calls = genA
          ? [
              { id: 'toolu_sim_kilo_write', name: 'write', input: kiloInputs[0]! },
              { id: 'toolu_sim_kilo_bash', name: 'bash', input: kiloInputs[1]! },
              { id: 'toolu_sim_kilo_glob', name: 'Glob', input: kiloInputs[2]! },
              { id: 'toolu_sim_kilo_grep', name: 'grep', input: kiloInputs[3]! },
            ]
          : [
              { id: 'toolu_sim_kilo_write', name: 'Write', input: { file_path: created, content: 'Add LIME-58.\n' } },
              {
                id: 'toolu_sim_kilo_bash',
                name: 'Bash',
                input: { command: 'echo "BASH-$((6*7))"', description: 'Count' },
              },
              { id: 'toolu_sim_kilo_glob', name: 'Glob', input: { pattern: '**/*.md', path: work } },
              {
                id: 'toolu_sim_kilo_grep',
                name: 'Grep',
                input: { pattern: 'PEACH-[0-9]+', path: work, glob: '*.txt' },
              },
            ];
        const todos = [
          { content: 'Check the recipe', status: 'completed', activeForm: 'Checking the recipe' },
          { content: 'Find QUINCE-7', status: 'in_progress', activeForm: 'Finding QUINCE-7' },
        ];
        // Kilo's todowrite, like opencode's, requires a priority on every item, which Generation B's agent's items
        // never carry (Kilo is given `medium`); Generation A's agent is shown Kilo's schema and gives one.
        // Kilo keeps each item's content, status and priority, and is given whatever else the item holds.
        const kept = todos.map(({ content, status }) => ({ content, status, priority: genA ? 'high' : 'medium' }));
        const kiloTodos = genA ? kept : todos.map((todo) => ({ ...todo, priority: 'medium' }));
        const job = 'Find where QUINCE-7 is defined and report the file.';
        // Kilo's task lists the kinds it has: the agent's Claude Code kind reaches it as Kilo's `general`.
        const kiloTask = { description: 'Find QUINCE-7', prompt: job, subagent_type: 'general' };
        const task = genA ? kiloTask : { ...kiloTask, subagent_type: 'general-purpose' };
        const delegated = [
          {
            id: 'toolu_sim_kilo_todo',
            name: genA ? 'todowrite' : 'TodoWrite',
            input: { todos: genA ? kiloTodos : todos },
          },
          { id: 'toolu_sim_kilo_task', name: genA ? 'task' : 'Task', input: task },
        ];
        const report = 'QUINCE-7 is defined in orchard.ts.';
        // Served over HTTPS on loopback, trusted through NODE_EXTRA_CA_CERTS as a user's own CA would be.
        const page = await servePage(
          'orchard',
          '<html><body><h1>Orchard notes</h1><p>The QUINCE-7 tree stands in row <b>OLIVE-31</b>.</p></body></html>',
        );
        onTestFinished(page.stop);
        // Kilo's webfetch takes no prompt (Generation B's agent sends one, and Kilo is given it as it is); markdown is
        // its default format.
        const fetch = {
          id: 'toolu_sim_kilo_fetch',
          name: genA ? 'webfetch' : 'WebFetch',
          input: genA ? { url: page.url, format: 'markdown' } : { url: page.url, prompt: 'Which row is the tree in?' },
        };
        const answer =
          'Wrote recipe.txt; BASH-42, GUIDE-19.md and PEACH-64 came back; QUINCE-7 is in orchard.ts, row OLIVE-31.';
        stack.sim.onAgentRequest((req) => {
          const seen = upstreamText(req);
          // The sub-agent's own conversation holds the Task's prompt and not the user's words.
          if (seen.includes(job) && !seen.includes('Do the four things')) return sse(reply(report));
          if (!seen.includes('Do the four things')) return undefined;
          // The page's words reach the model only in what Kilo's webfetch gave back.
          if (seen.includes('OLIVE-31')) return sse([...text(answer, { chunks: 3 }), ...finish()]);
          // Ends the run when Kilo refused a call, rather than asking again until it times out.
          if (seen.includes('_sim_kilo_fetch')) return sse(reply('The page was not read.'));
          if (seen.includes(report)) return sse([...toolCall(fetch), ...finish('tool-calls')]);
          if (seen.includes('_sim_kilo_task')) return sse(reply('The sub-agent did not run.'));
          if (seen.includes('BASH-42'))
            return sse([...delegated.flatMap((call) => toolCall(call)), ...finish('tool-calls')]);
          return sse([...calls.flatMap((call) => toolCall(call)), ...finish('tool-calls')]);
        });

        const run = await runKilo(work, 'Do the four things, then plan and delegate.', stack.url, KEY, {
          api,
          env: { NODE_EXTRA_CA_CERTS: page.caFile },
        });
        expect(run.code, run.stderr + run.stdout).toBe(0);
        expect(run.finalText).toBe(answer);
        expect(fs.readFileSync(created, 'utf8')).toBe('Add LIME-58.\n');
        // Kilo runs each step's calls at once and reports each as it finishes: in the order of the calls, what each was
        // given.
        const ran = [...calls, ...delegated, fetch].map((call) =>
          run.tools.find((t) => t.callID === id(call.id.replace('toolu_sim_kilo_', ''))),
        );
        expect(ran.map((t) => [t?.tool, t?.state.status, t?.state.error])).toEqual([
          ['write', 'completed', undefined],
          ['bash', 'completed', undefined],
          ['glob', 'completed', undefined],
          ['grep', 'completed', undefined],
          ['todowrite', 'completed', undefined],
          ['task', 'completed', undefined],
          ['webfetch', 'completed', undefined],
        ]);
        expect(run.tools).toHaveLength(calls.length + delegated.length + 1);
        expect(ran.map((t) => t?.state.input)).toEqual([...kiloInputs, { todos: kiloTodos }, kiloTask, fetch.input]);
        // Kilo fetched the page once.
        expect(page.hits).toEqual(['GET /orchard']);
        expect(ran[1]?.state.output).toBe('BASH-42\n');

        const turns = turnsAbout(stack, /Do the four things/);
        expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect, mode.expect, mode.expect]);
        const second = turns[1] as AgentRequestInfo;
        const third = turns[2] as AgentRequestInfo;
        const fourth = turns[3] as AgentRequestInfo;
        // Kilo replays the calls under its own names (Generation A is shown its glob as `Glob`), and each result goes
        // upstream under the call's id, as the client's API spells it.
        const names = ['write', 'bash', genA ? 'Glob' : 'glob', 'grep'];
        expect(replayedCalls(second)).toEqual(calls.map((c, i) => [id(c.id.replace('toolu_sim_kilo_', '')), names[i]]));
        // What each of Kilo's tools gave reaches the agent as it is, each under its call's id.
        expect(sentResults(second)).toEqual([
          [id('write'), 'Wrote file successfully.', false],
          [id('bash'), 'BASH-42\n', false],
          [id('glob'), path.join(work, 'docs', 'GUIDE-19.md'), false],
          [id('grep'), `Found 1 matches\n${path.join(work, 'seed.txt')}:\n  Line 2: the PEACH-64 crate\n`, false],
        ]);
        expect(replayedCalls(third).slice(calls.length)).toEqual([
          [id('todo'), 'todowrite'],
          [id('task'), 'task'],
        ]);
        // The agent reads back the list as Kilo keeps it, and the sub-agent's report inside Kilo's task envelope, which
        // names the child session; neither is flagged an error.
        const delegatedResults = sentResults(third).slice(calls.length);
        expect(delegatedResults.map(([callId, , flagged]) => [callId, flagged])).toEqual([
          [id('todo'), false],
          [id('task'), false],
        ]);
        expect(JSON.parse(delegatedResults[0]![1])).toEqual(kept);
        expect(delegatedResults[1]![1].replace(/^<task id="ses_\w+"/, '<task id="ses_CHILD"')).toBe(
          `<task id="ses_CHILD" state="completed">\n<task_result>\n${report}\n</task_result>\n</task>`,
        );
        // The sub-agent's one request, its own conversation of the Task's prompt alone, went through the proxy on the
        // same protocol before the parent's third.
        const holding = answered(stack.sim.requests).filter((r) => upstreamText(r).includes(job));
        const [child, ...rest] = holding;
        expect(child?.protocol).toBe(mode.expect);
        expect(upstreamText(child!)).not.toContain('Do the four things');
        expect(genA ? child?.body.chatHistory : (child?.body.messages as unknown[]).length).toEqual(genA ? [] : 1);
        // The other requests that hold the Task's prompt are the parent's third and fourth, which replay the call.
        expect(rest).toEqual([third, fourth]);
        // Kilo replays the fetch as its webfetch, and the page, in the markdown Kilo made of it, reaches the agent as
        // the WebFetch's result.
        expect(replayedCalls(fourth).at(-1)).toEqual([id('fetch'), 'webfetch']);
        expect(sentResults(fourth).at(-1)).toEqual([
          id('fetch'),
          '# Orchard notes\n\nThe QUINCE-7 tree stands in row **OLIVE-31**.',
          false,
        ]);
        expect(await served(stack)).toEqual(
          Array.from({ length: 5 }, () => ({ api: apiName, stream: true, status: 200, protocol: mode.expect })),
        );
      });
    },
  );
}
