import fs from 'node:fs';
import path from 'node:path';
import { NewerSchemaError } from '../db/database';

/** The file system's and SQLite's words for a folder or file this user may not write. */
const UNWRITABLE = /^(EACCES|EPERM|EROFS|SQLITE_READONLY|SQLITE_CANTOPEN)/;

/**
 * The one line a start failure the person can act on deserves, or undefined for an unexpected one (whose stack is
 * worth printing). `dataDir` is the folder in use, when it is known.
 */
export function startFailureLine(error: unknown, dataDir?: string): string | undefined {
  if (error instanceof NewerSchemaError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNWRITABLE.test(code)) {
    const folder = dataDir ? `The data folder ${dataDir}` : 'The data folder';
    return (
      `${folder} cannot be written (${(error as Error).message}). ` +
      'Give this user write access to it, or point ORCHIDS_TRAY_DATA_DIR at another folder.'
    );
  }
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    const file = fileInTheWay(dataDir ?? (error as { path?: unknown }).path);
    if (file) {
      return (
        `The data folder ${dataDir ?? file} is not a folder: ${file} is a file. ` +
        'Move that file, or point ORCHIDS_TRAY_DATA_DIR at a folder (one that does not exist yet is made).'
      );
    }
  }
  return undefined;
}

/**
 * The path itself or the nearest of its parents that exists and is not a folder (mkdir's EEXIST or ENOTDIR: say,
 * ORCHIDS_TRAY_DATA_DIR set to the cookie file), or undefined when none is: then the error was another one.
 */
function fileInTheWay(folder: unknown): string | undefined {
  if (typeof folder !== 'string' || folder === '') return undefined;
  for (let at = path.resolve(folder); ; at = path.dirname(at)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(at);
    } catch {
      // Not there (ENOENT), or under a file (ENOTDIR): the file in the way is further up.
    }
    if (stat) return stat.isDirectory() ? undefined : at;
    if (path.dirname(at) === at) return undefined;
  }
}
