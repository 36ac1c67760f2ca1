/** A command typed wrong (unknown, a missing argument): its message, then where its help is (exit code 2). */
export class UsageError extends Error {}
/** A well-formed command that cannot be done (a request id not in history): its message alone, without the usage. */
export class CommandError extends Error {}

/** One line of the command's output, or of what the person should know besides. */
export type Line = (line: string) => void;

/**
 * A command group typed alone (`accounts`): say which commands it takes, not that "" is unknown.
 * `given` is what followed the group, undefined when nothing did.
 */
export function unknownSubcommand(group: string, given: string | undefined, commands: readonly string[]): UsageError {
  const list = commands.join(', ');
  return new UsageError(
    given === undefined
      ? `${group} needs a command: ${list}.`
      : `Unknown ${group} command "${given}". ${group} takes: ${list}.`,
  );
}
