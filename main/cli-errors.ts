/** A command typed wrong (unknown, a missing argument): its message, then where its help is (exit code 2). */
export class UsageError extends Error {}
/** A well-formed command that cannot be done (a request id not in history): its message alone, without the usage. */
export class CommandError extends Error {}

/** One line of the command's output, or of what the person should know besides. */
export type Line = (line: string) => void;

/**
 * A command group typed alone (`accounts`): say which commands it takes, not that "" is unknown; a slip of the fingers
 * (`accounts lst`) gets its guess, as an unknown group does.
 * `given` is what followed the group, undefined when nothing did.
 */
export function unknownSubcommand(group: string, given: string | undefined, commands: readonly string[]): UsageError {
  const list = commands.join(', ');
  return new UsageError(
    given === undefined
      ? `${group} needs a command: ${list}.`
      : `Unknown ${group} command "${given}".${didYouMean(given, commands)} ${group} takes: ${list}.`,
  );
}

/**
 * ` Did you mean "accounts"?` for a word one or two keystrokes from a known one (`acounts`, `--jsno`), else nothing:
 * the pointer to the help covers the rest, and a guess at a far-off word would mislead more than it helps.
 */
export function didYouMean(given: string, known: readonly string[], quote = true): string {
  const limit = given.length > 4 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const word of known) {
    const distance = editDistance(given, word);
    if (distance < bestDistance) [best, bestDistance] = [word, distance];
  }
  if (best === undefined) return '';
  return quote ? ` Did you mean "${best}"?` : ` Did you mean ${best}?`;
}

/** Levenshtein's distance, with a swap of two neighbours counting one (the commonest slip of the fingers). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!;
      const up = rows[i - 1]!;
      row[j] = Math.min(up[j]! + 1, row[j - 1]! + 1, up[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  return rows[a.length]![b.length]!;
}
