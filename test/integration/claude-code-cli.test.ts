import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall } from '../sim/orchids-simulator';
import { startStack, tempDir, type Stack } from '../helpers/stack';

/**
 * The real Claude Code CLI (pinned in devDependencies) pointed at Orchids Tray, exactly as a user would run it:
 * `ANTHROPIC_BASE_URL=<proxy> claude -p …`. The simulator plays the model: it asks Claude Code to Read a file,
 * and answers only once the file's contents come back in the tool_result. If any step of the tool loop broke
 * (our tool_use events, the tool name, Claude Code's next request, our rendering of its tool_result), the
 * answer could not contain the file's secret.
 */
const CLAUDE = path.resolve(__dirname, '../../node_modules/.bin/claude');

let stack: Stack;
afterEach(async () => stack?.stop());

function runClaude(cwd: string, prompt: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(CLAUDE, ['-p', prompt, '--output-format', 'json', '--model', 'claude-sonnet-4-6'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: tempDir('orchids-cc-home-'),
        // No traffic anywhere but the proxy: this machine, like CI, has no internet.
        DISABLE_TELEMETRY: '1',
        DISABLE_AUTOUPDATER: '1',
        DISABLE_ERROR_REPORTING: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('Claude Code through Orchids Tray', () => {
  it('runs a whole tool loop unchanged: tool_use, the tool runs, tool_result, answer', { timeout: 90_000 }, async () => {
    stack = await startStack();
    const work = tempDir('orchids-cc-work-');
    fs.writeFileSync(path.join(work, 'secret-plan.txt'), 'The plan is PINEAPPLE-42.\n');
    stack.sim.onAgentRequest((req) => {
      const prompt = String(req.body.prompt ?? '');
      if (prompt.includes('PINEAPPLE-42')) return sse(reply('The file says the plan is PINEAPPLE-42.'));
      if (prompt.includes('secret-plan.txt')) {
        return sse([
          ...text('Let me read it.'),
          ...toolCall({ id: 'toolu_sim_read_0001', name: 'Read', input: { file_path: path.join(work, 'secret-plan.txt') } }),
          ...finish('tool-calls'),
        ]);
      }
      return undefined;
    });
    stack.core.settings.set('apiKey', 'test-claude-code-key');

    const result = await runClaude(work, 'What does secret-plan.txt in this folder say?', {
      ANTHROPIC_BASE_URL: stack.url,
      ANTHROPIC_API_KEY: 'test-claude-code-key',
    });
    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout) as { is_error: boolean; num_turns: number; result: string };
    expect(output).toMatchObject({ is_error: false, num_turns: 2, result: 'The file says the plan is PINEAPPLE-42.' });

    const turns = stack.sim.requests.filter((r) => String(r.body.prompt ?? '').includes('secret-plan.txt') || String(r.body.prompt ?? '').includes('PINEAPPLE'));
    expect(turns).toHaveLength(2);
    // The second request carries Claude Code's tool_result, paired with our tool_use id, and the earlier turn in history.
    expect(turns[1]!.body.prompt).toMatch(/<tool_result tool_use_id="toolu_sim_read_0001">[\s\S]*PINEAPPLE-42/);
    expect(JSON.stringify(turns[1]!.body.chatHistory)).toContain('toolu_sim_read_0001');
    expect((turns[0]!.body.tools as Array<{ name: string }>).map((t) => t.name)).toContain('Read');
  });
});
