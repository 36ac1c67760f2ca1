import { describe, expect, it } from 'vitest';
import { repairToolInput } from '../../main/core/orchids/tool-input-repair';

/** Codex CLI 0.171's `exec_command`, the keys that matter here. */
const EXEC_COMMAND = {
  type: 'object',
  properties: { cmd: { type: 'string' }, workdir: { type: 'string' }, yield_time_ms: { type: 'number' } },
  required: ['cmd'],
  additionalProperties: false,
};
const route = { upstreamName: 'Bash', clientName: 'exec_command' };

describe("the agent's Bash wait on Codex CLI's exec_command", () => {
  it("asks Codex to wait as long as the agent's Bash would: its timeout, or two minutes", () => {
    expect(repairToolInput({ command: 'npm test', timeout: 300_000 }, EXEC_COMMAND, route)).toEqual({
      cmd: 'npm test',
      yield_time_ms: 300_000,
    });
    expect(repairToolInput({ command: 'npm test', description: 'Test' }, EXEC_COMMAND, route)).toEqual({
      cmd: 'npm test',
      yield_time_ms: 120_000,
    });
  });

  it('keeps Codex’s default for a command the agent runs in the background, and a wait the call already has', () => {
    expect(repairToolInput({ command: 'npm run dev', run_in_background: true }, EXEC_COMMAND, route)).toEqual({
      cmd: 'npm run dev',
    });
    expect(repairToolInput({ cmd: 'ls', yield_time_ms: 500 }, EXEC_COMMAND, route)).toEqual({
      cmd: 'ls',
      yield_time_ms: 500,
    });
  });

  it('leaves a shell without such a setting as it was', () => {
    const bash = { type: 'object', properties: { command: { type: 'string' }, timeout: { type: 'number' } } };
    expect(
      repairToolInput({ command: 'ls', timeout: 5000 }, bash, { upstreamName: 'Bash', clientName: 'Bash' }),
    ).toEqual({ command: 'ls', timeout: 5000 });
  });
});
