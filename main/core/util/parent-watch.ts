/**
 * The argument scripts/start.mjs and scripts/demo.mjs give the app they start, with an IPC channel: stop when they
 * are gone. Killed with SIGKILL (an IDE's stop button, `kill -9`, the OOM killer), a script cannot pass a signal on,
 * and its app would keep running, and keep its port, with no parent.
 *
 * DECISION: the end of the IPC channel ('disconnect'), not a signal or a poll of the parent pid. The operating
 * system closes the channel when the parent dies, however it dies, on Windows (a named pipe; signals barely exist
 * there, and a Windows orphan keeps its parent pid) as on POSIX. stdin's end-of-file cannot do it: stdin is the
 * terminal's, for the Enter that prints a fresh dashboard link. An opt-in of its own, not the channel alone: an app
 * run directly, or under a service manager that forks it with a channel (pm2), lives as it always has.
 */
export const EXIT_WITH_PARENT_ARG = '--exit-with-parent';

/**
 * Calls `stop` once, when the process that started this one has gone, if it asked for that (the argument and an IPC
 * channel). Returns whether it did. The channel does not keep this process alive by itself.
 */
export function stopWithParent(stop: () => void, proc: NodeJS.Process = process): boolean {
  if (!proc.argv.includes(EXIT_WITH_PARENT_ARG) || !proc.channel) return false;
  proc.once('disconnect', stop);
  // Listening for 'disconnect' refs the channel; the app's own handles (its server) are what keep it running.
  proc.channel.unref();
  return true;
}
