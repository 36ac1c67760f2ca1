/**
 * One file's name however a call on Continue CLI's tools spells it, for telling whether two calls of a turn change
 * the same file (call-route.ts `changedFile`). cn (1.5.47) resolves a relative path against its working directory
 * (`path.resolve(process.cwd(), file_path)` in its Edit and MultiEdit, the bare path to `fs` in its Write), so the
 * agent's `plan.txt`, `./plan.txt` and `/work/plan.txt` are one file to it: compared as spelt, a second edit of it in
 * the turn went out and undid the first (seen with the real cn).
 */
import path from 'node:path';
import type { DeferredToolSource } from './deferred-tools';

/**
 * cn's system prompt names its working directory first in its `<env>` block (`Working directory: …`, its
 * systemMessage.ts); only the line right after `<env>` is taken, so a rule or a file that says the words is not.
 */
const WORKING_DIRECTORY = /<env>\r?\n\s*Working directory: ([^\r\n]+)/;

/**
 * The working directory cn's request names, or undefined when its system prompt does not (a custom one). cn sends
 * its system prompt as Anthropic's `system`, or as OpenAI's system message, which the proxy reads into `system`.
 */
export function continueWorkingDirectory(source: DeferredToolSource | undefined): string | undefined {
  if (!source) return undefined;
  const texts: string[] = [];
  const { system } = source;
  if (typeof system === 'string') texts.push(system);
  else if (Array.isArray(system)) for (const block of system) if (block.type === 'text') texts.push(String(block.text));
  for (const text of texts) {
    const cwd = WORKING_DIRECTORY.exec(text)?.[1]?.trim();
    if (cwd) return cwd;
  }
  return undefined;
}

/**
 * A drive letter (`C:\work`, `C:/work`) or a backslash (`\\server\share`, `src\a.ts`) in a path that does not
 * start with `/`, as every Linux and macOS working directory does: a Windows path.
 */
const WINDOWS_PATH = /^(?!\/)(?:[A-Za-z]:|.*\\)/;

/**
 * `file` as one key for every spelling of it: resolved against `cwd` when that is known. Without it a relative path
 * stays relative, only normalised (`./a`, `a/../a` and `a//a` as `a`, `a/a`): it cannot be matched to an absolute
 * one. The working directory, when known, says which system cn runs on (a name with a backslash is one file on
 * Linux); without it the path does. On Windows the key goes by `path.win32` and is case-folded, as Windows' file
 * systems match names: `src\A.ts` and `C:/Work/src/a.ts` are one file there.
 * DECISION: symbolic links are not followed, though cn follows them. Reading them needs the file system on the
 * request path, where nothing waits on disk (a synchronous `realpath` blocks every request being served, an
 * asynchronous one makes this call wait); and the proxy may serve a client on another machine (remote mode), where
 * the paths are not this machine's files at all. A link and its target spelt apart are two keys: a second edit
 * through the other name goes out as it did before this check.
 */
export function sameFileKey(file: string, cwd: string | undefined): string {
  const windows = WINDOWS_PATH.test(cwd ?? file);
  const paths = windows ? path.win32 : path.posix;
  const key = cwd !== undefined && paths.isAbsolute(cwd) ? paths.resolve(cwd, file) : paths.normalize(file);
  return windows ? key.toLowerCase() : key;
}
