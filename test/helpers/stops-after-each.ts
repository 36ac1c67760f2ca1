import { afterEach } from 'vitest';

interface Stoppable {
  stop(): Promise<unknown>;
}

/**
 * What a test starts and must stop however it ends (a client's terminal window, the stack the client talks to),
 * stopped after each test in the reverse order of starting: the client before the server it is connected to. Each
 * is stopped once: a terminal's process id can be reused once it has ended, and a second stop would wait on it, then
 * kill whatever now holds it. Returns the function that registers a part and hands it back.
 */
export function stopsAfterEach(): <T extends Stoppable>(part: T) => T {
  let started: Stoppable[] = [];
  afterEach(async () => {
    const stopping = started.reverse();
    started = [];
    for (const part of stopping) await part.stop();
  });
  return (part) => {
    started.push(part);
    return part;
  };
}
