import { describe, it } from 'vitest';
import { PINNED_MODES } from '../helpers/upstream';
import {
  CODEX_EDIT_TIMEOUT,
  createsThenEdits,
  editsPartOfALine,
  failsAnEdit,
  failsToWrite,
  multiEdits,
  refusedOutside,
  replacesAllDeclined,
} from '../helpers/codex-edits';

/**
 * The real Codex CLI's file edits (test/helpers/codex-edits.ts) through the proxy's Responses API, with `codex exec
 * --json`, on Generation B (`ws`; `sse-b` renders the same results) and Generation A, whose model is shown Codex's
 * freeform `apply_patch` and writes the patch itself (it has no `replace_all` and no MultiEdit, so those two run on
 * Generation B alone; `sse-b` was run by hand too and passes). Under a second a Codex run here; the file takes
 * about 9 s.
 */
const MODES = PINNED_MODES.filter((mode) => mode.expect !== 'sse-b');

describe.each(MODES)('the agent editing files in Codex ($name)', (mode) => {
  it('creates a file, then edits it', CODEX_EDIT_TIMEOUT, () => createsThenEdits(mode));
  it('is told, as an error on Generation B, that the old text of its edit is not there', CODEX_EDIT_TIMEOUT, () =>
    failsAnEdit(mode),
  );
  it(
    'is told, as an error on Generation B, that Codex’s sandbox refuses an edit outside the workspace',
    CODEX_EDIT_TIMEOUT,
    () => refusedOutside(mode),
  );
  it('is told, as an error on Generation B, that Codex could not write the file', CODEX_EDIT_TIMEOUT, () =>
    failsToWrite(mode),
  );
});

describe.each(MODES.filter((mode) => mode.expect === 'ws'))(
  "the agent's Edit with replace_all and its MultiEdit in Codex ($name)",
  (mode) => {
    it(
      'is told, as an error within the same request, that an edit with no patch form was not made, and goes on',
      CODEX_EDIT_TIMEOUT,
      () => replacesAllDeclined(mode),
    );
    it('makes the edits of a MultiEdit as one patch', CODEX_EDIT_TIMEOUT, () => multiEdits(mode));
    it('edits part of a line it read in one request, Codex sent the whole line', CODEX_EDIT_TIMEOUT, () =>
      editsPartOfALine(mode),
    );
  },
);
