/** A command typed wrong (unknown, a missing argument): its message, then the usage. */
export class UsageError extends Error {}
/** A well-formed command that cannot be done (a request id not in history): its message alone, without the usage. */
export class CommandError extends Error {}

/** One line of the command's output, or of what the person should know besides. */
export type Line = (line: string) => void;
