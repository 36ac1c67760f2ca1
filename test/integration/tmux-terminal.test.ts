import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir';
import { startTerminal, type Terminal } from '../helpers/tmux-terminal';

/**
 * The terminal the TUI tests drive, with `sh` as the TUI: a TUI that exits or loses its terminal must fail the wait
 * saying how (its exit status, whether it still runs) and what it last showed, not only that tmux's pane is missing.
 */
describe('a TUI in a tmux terminal', () => {
  const terminals: Terminal[] = [];
  afterEach(async () => {
    for (const terminal of terminals.splice(0)) await terminal.stop();
  });

  const run = (script: string, isolated = true): Terminal => {
    const terminal = startTerminal({
      cwd: tempDir('orchids-tmux-'),
      env: { PATH: process.env.PATH ?? '' },
      isolated,
      command: ['sh', '-c', script],
      promptMark: '$',
    });
    terminals.push(terminal);
    return terminal;
  };

  it('that exits fails the wait with its exit status and its last screen', async () => {
    // The pause: tmux may not read what a program writes in the instant it ends (a real TUI runs for seconds).
    const waited = (async () => run('echo last words of the TUI; sleep 1; exit 3').waitFor(/never shown/, 5_000))();
    // tmux 3.3a now and then never reports a dead pane's status (seen in CI and in a loop here: `pane_dead` 1,
    // `pane_dead_status` empty seconds later), so the message may only say it is not known; it must say the TUI
    // exited and show its last words either way, and give the status whenever tmux has it.
    await expect(waited).rejects.toThrow(
      /has exited, (exit status 3|its exit status not yet known); its screen now:\nlast words of the TUI/,
    );
  });

  it('whose terminal has gone fails the wait saying so, whether it runs, and the last screen read', async () => {
    // Not isolated: the pane's TMUX variable names its own server, which the script ends.
    const terminal = run('echo before the end; sleep 2; tmux kill-server; sleep 60', false);
    await terminal.waitFor(/before the end/);
    const waited = terminal.waitFor(/never shown/, 20_000);
    await expect(waited).rejects.toThrow(/tmux session is gone \(no server running[^]*\bthe TUI \(pid \d+\) is /);
    await expect(waited).rejects.toThrow(/the last screen read before:\nbefore the end/);
  });

  it('is ended at stop, the terminal with it, whether the TUI runs or has exited', async () => {
    const marker = `marker-${process.pid}-${Date.now()}`;
    const running = run(`echo ${marker}; sleep 300`);
    await running.waitFor(new RegExp(marker));
    const exited = run(`echo ${marker}; exit 0`);
    await expect(exited.waitFor(/never shown/, 5_000)).rejects.toThrow(/has exited/);
    expect(processesMentioning(marker).length).toBeGreaterThan(0);
    for (const terminal of terminals.splice(0)) await terminal.stop();
    expect(processesMentioning(marker)).toEqual([]);
  });
});

/** The processes whose command line names `marker` (the tmux server's names the TUI's command it was started with). */
function processesMentioning(marker: string): string[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false; // Ended meanwhile.
      }
    });
}
