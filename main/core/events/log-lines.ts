import type { EventBus } from './event-bus';

/**
 * The core's log lines are sentences written for people, not structured records. The live view still wants to
 * mark trouble, so a line that reports a failure is a warning; everything else is information.
 */
function guessLogLevel(line: string): 'info' | 'warn' {
  return /fail|error|cannot/i.test(line) ? 'warn' : 'info';
}

/** A log function that prints each line and also publishes it to the live stream (`logs --follow`, the window). */
export function publishingLog(
  print: (line: string) => void,
  bus: () => Pick<EventBus, 'publish'> | undefined,
): (line: string) => void {
  return (line) => {
    print(line);
    bus()?.publish({ type: 'log.line', level: guessLogLevel(line), message: line, at: Date.now() });
  };
}
