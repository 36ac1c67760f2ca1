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
  return undefined;
}
