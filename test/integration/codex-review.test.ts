import { afterEach, describe, expect, it } from 'vitest';
import type { AgentRequestInfo } from '../sim/orchids-simulator';
import { PINNED_MODES, sentToolPair } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { runCodexReview } from '../helpers/codex';
import { REVIEW_ASK, findingsFor, repoWithChange, reviewTurns } from '../helpers/codex-review';

/**
 * Codex CLI's code review (`codex exec review --uncommitted`, the TUI's `/review`) through the proxy. Codex 0.171
 * asks for the review's shape in words, not with `text.format`: its review guidelines, sent as a developer message,
 * end with the JSON its final message must be (`findings`, `overall_correctness`, …). The upstream gets them as
 * system text; the simulated agent reads the diff with its shell, then answers. Codex finds JSON in the final
 * message (fenced or after prose, too) and prints it as a review; any other answer it prints as written.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-codex-key';

/** Both turns went upstream on this mode, the first with the review's output shape in its system text. */
function expectReviewTurns(protocol: string): [AgentRequestInfo, AgentRequestInfo] {
  const turns = turnsAbout(stack, REVIEW_ASK);
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
    expect(run.finalMessage).toBe(
      'add subtracts.\n\nReview comment:\n\n' +
        `- [P1] Subtract instead of add — ${file}:2-2\n  \`add\` now returns \`a - b\`.`,
    );
    const [first] = expectReviewTurns(mode.expect);
    if (!genA) expect(first.body.tools).toBeUndefined();
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
