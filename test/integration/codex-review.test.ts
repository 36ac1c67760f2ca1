import { afterEach, describe, expect, it } from 'vitest';
import type { AgentRequestInfo } from '../sim/orchids-simulator';
import { PINNED_MODES, sentToolPair, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { runCodexReview } from '../helpers/codex';
import {
  REVIEW_ASK,
  findingsFor,
  repoWithChange,
  repoWithCommit,
  reviewTurns,
  type ReviewPreset,
} from '../helpers/codex-review';

/**
 * Codex CLI's code review (`codex exec review --uncommitted`, the TUI's `/review`) through the proxy. Codex 0.171
 * asks for the review's shape in words, not with `text.format`: its review guidelines, sent as a developer message,
 * end with the JSON its final message must be (`findings`, `overall_correctness`, …). The upstream gets them as
 * system text; the simulated agent reads the diff with its shell, then answers. Codex finds JSON in the final
 * message (fenced or after prose, too) and prints it as a review; any other answer it prints as written.
 */
let stack: Stack;

/** How Codex prints `findingsFor(file)`: the explanation, then each finding with its location. */
const printedReview = (file: string) =>
  'add subtracts.\n\nReview comment:\n\n' +
  `- [P1] Subtract instead of add — ${file}:2-2\n  \`add\` now returns \`a - b\`.`;
afterEach(async () => stack?.stop());

const KEY = 'test-codex-key';

/** Both turns went upstream on this mode, the first with the review's output shape in its system text. */
function expectReviewTurns(protocol: string, ask = REVIEW_ASK): [AgentRequestInfo, AgentRequestInfo] {
  const turns = turnsAbout(stack, ask);
  expect(turns.map((t) => t.protocol)).toEqual([protocol, protocol]);
  const [first, second] = turns as [AgentRequestInfo, AgentRequestInfo];
  const instructions = protocol === 'sse-a' ? String(first.body.prompt) : String(first.body.config.system);
  expect(instructions).toContain('# Review guidelines');
  expect(instructions).toMatch(/## Output schema[\s\S]*"findings"[\s\S]*"overall_correctness"/);
  // The diff reached the agent as its shell call's result, under Codex's name for the tool.
  expect(sentToolPair(second, 'call_sim_diff_0001', 'exec_command', 'return a - b')).toBe(true);
  return [first, second];
}

describe.each(PINNED_MODES)('Codex CLI reviews a change through Orchids Tray ($name)', (mode) => {
  const genA = mode.expect === 'sse-a';

  it('prints the findings when the agent answers with the JSON', { timeout: 90_000 }, async () => {
    stack = await startCliStack(mode, KEY);
    const { work, file } = repoWithChange();
    // As Claude tends to answer: words first, the JSON in a fence.
    const findings = JSON.stringify(findingsFor(file), null, 2);
    stack.sim.onAgentRequest(reviewTurns(genA, `I reviewed the diff.\n\n\`\`\`json\n${findings}\n\`\`\``));

    const run = await runCodexReview(work, stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const command = run.items.find((i) => i.type === 'command_execution');
    expect(command).toMatchObject({ command: expect.stringContaining('git diff'), exit_code: 0 });
    expect(command?.aggregated_output).toContain('+  return a - b');
    // Codex read the JSON out of the answer and printed it as a review: the explanation, then each finding.
    expect(run.finalMessage).toBe(printedReview(file));
    const [first] = expectReviewTurns(mode.expect);
    if (!genA) expect(first.body.tools).toBeUndefined();
    // Each answer carried the proxy's usage, and Codex kept it on the review's own thread (its rollout's
    // token_count): Codex 0.171's `turn.completed` adds none of it, so an `exec review` reports 0 tokens.
    await stack.core.internals.history.flushNow();
    const rows = stack.core.internals.historyRepo.query({});
    expect(rows.map((r) => r.inputTokens > 0 && r.outputTokens > 0)).toEqual([true, true]);
    expect(run.events.find((e) => e.type === 'turn.completed')?.usage).toMatchObject({
      input_tokens: 0,
      output_tokens: 0,
    });
  });

  it('prints a prose answer as it is, with no retry and no error', { timeout: 90_000 }, async () => {
    stack = await startCliStack(mode, KEY);
    const { work } = repoWithChange();
    const prose = 'The change makes `add` subtract: line 2 returns `a - b` where it returned `a + b`.';
    stack.sim.onAgentRequest(reviewTurns(genA, prose));

    const run = await runCodexReview(work, stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalMessage).toBe(prose);
    expect(run.items.filter((i) => i.type === 'error')).toEqual([]);
    // No schema was asked for in `text.format`, so the proxy checked nothing and asked nothing twice.
    expectReviewTurns(mode.expect);
    expect((await served(stack)).map((r) => r.status)).toEqual([200, 200]);
  });
});

/**
 * The other presets, on Generation B: a branch against its base (`--base`), one commit (`--commit`, with the title
 * `--title` gives it), and instructions of the user's own. Each asks in its own words, with the same guidelines.
 */
describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))('Codex CLI review presets ($name)', (mode) => {
  /** Runs a review of `target` with the agent reading the change as `preset` says; its first turn and the run. */
  async function review(work: string, target: string[], preset: ReviewPreset, answer: string) {
    stack = await startCliStack(mode, KEY);
    stack.sim.onAgentRequest(reviewTurns(false, answer, undefined, preset));
    const run = await runCodexReview(work, stack.url, KEY, { target });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const command = run.items.find((i) => i.type === 'command_execution');
    expect(command).toMatchObject({ command: expect.stringContaining(preset.command), exit_code: 0 });
    expect(command?.aggregated_output).toContain('+  return a - b');
    const [first] = expectReviewTurns(mode.expect, preset.ask);
    return { run, asked: upstreamText(first) };
  }

  it('reviews a branch against its base, diffing from the merge base', { timeout: 90_000 }, async () => {
    const { work, file, base } = repoWithCommit();
    const preset = { ask: /Review the code changes against the base branch 'main'/, command: `git diff ${base}` };
    const { run, asked } = await review(work, ['--base', 'main'], preset, JSON.stringify(findingsFor(file)));
    // Codex found the merge base itself and named it to the agent, with the command to read the change.
    expect(asked).toContain(
      `against the base branch 'main'. The merge base commit for this comparison is ${base}. ` +
        `Run \`git diff ${base}\` to inspect the changes relative to main.`,
    );
    expect(run.finalMessage).toBe(printedReview(file));
  });

  it('reviews one commit, named with its title', { timeout: 90_000 }, async () => {
    const { work, file, sha, title } = repoWithCommit();
    const preset = { ask: /Review the code changes introduced by commit/, command: `git show ${sha}` };
    const target = ['--commit', sha, '--title', title];
    const { run, asked } = await review(work, target, preset, JSON.stringify(findingsFor(file)));
    expect(asked).toContain(`Review the code changes introduced by commit ${sha} ("${title}").`);
    expect(run.finalMessage).toBe(printedReview(file));
  });

  it("reviews with the user's own instructions, sent as they are", { timeout: 90_000 }, async () => {
    const { work } = repoWithChange();
    const instructions = 'Check add.js for arithmetic mistakes only; ignore style.';
    const preset = { ask: /Check add\.js for arithmetic mistakes only/, command: 'git diff' };
    const prose = 'Line 2 of add.js subtracts: `add` returns `a - b`.';
    const { run, asked } = await review(work, [instructions], preset, prose);
    expect(asked).not.toMatch(/Review the (current )?code changes/);
    expect(asked).toContain(instructions);
    expect(run.finalMessage).toBe(prose);
  });
});
