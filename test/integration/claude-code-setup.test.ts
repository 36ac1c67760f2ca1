import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { claudeCodeSetup } from '../../main/electron/tray-model';
import { OrchidsSimulator } from '../sim/orchids-simulator';
import { DEFAULT_REPLY_TEXT } from '../sim/steps';
import { runClaude, runClaudeDoctor } from '../helpers/claude-code';
import { buildEntryPoints, freePort, runBuiltCli, startProcess, type Running } from '../helpers/processes';
import { simEnv } from '../helpers/sim-env';
import { tempDir } from '../helpers/temp-dir';

/**
 * The setup lines Orchids Tray hands out for Claude Code (the headless app's "Use it:" line, the tray's "Copy Claude
 * Code setup") work as pasted: the real Claude Code CLI, in a fresh home with no Claude login, given exactly those
 * variables, gets its answer through the proxy. With the base URL alone it stops at "Not logged in".
 */
let sim: OrchidsSimulator | undefined;
let app: Running | undefined;
beforeAll(buildEntryPoints);
afterEach(async () => {
  app?.child.kill('SIGTERM');
  await app?.exited;
  app = undefined;
  await sim?.close();
  sim = undefined;
});

/** `A=1 B=2 claude` or `export A=1` lines: the variables they set. */
function variables(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/\b([A-Z][A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
}

describe('the Claude Code setup Orchids Tray prints', () => {
  it('runs Claude Code as pasted, with no API key set and no Claude login', { timeout: 90_000 }, async () => {
    sim = await OrchidsSimulator.start();
    const env = { ORCHIDS_TRAY_DATA_DIR: tempDir(), ...simEnv(sim) };
    await runBuiltCli(['accounts', 'add', '--cookie', sim.addUser().clientCookie], env);
    app = startProcess('dist/main/headless.js', { ...env, ORCHIDS_TRAY_PORT: String(await freePort()) });
    const [, line = ''] = await app.waitFor(/^Use it: (.+) claude$/m);
    const url = /ANTHROPIC_BASE_URL=(\S+)/.exec(line)![1]!;

    for (const setup of [line, claudeCodeSetup(url, '', 'linux')]) {
      const result = await runClaude(tempDir('orchids-cc-work-'), 'hi', variables(setup), { json: false });
      expect(result.code, `${setup}\n${result.stdout}${result.stderr}`).toBe(0);
      expect(result.stdout).toContain(DEFAULT_REPLY_TEXT);
    }
  });

  it("passes Claude Code's own connectivity check (claude doctor)", { timeout: 90_000 }, async () => {
    sim = await OrchidsSimulator.start();
    const env = { ORCHIDS_TRAY_DATA_DIR: tempDir(), ...simEnv(sim) };
    app = startProcess('dist/main/headless.js', { ...env, ORCHIDS_TRAY_PORT: String(await freePort()) });
    const [, line = ''] = await app.waitFor(/^Use it: (.+) claude$/m);

    const doctor = await runClaudeDoctor(tempDir('orchids-cc-work-'), variables(line));
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/API \(custom host\): answered HTTP 200 in \d+ ms/);
  });
});
