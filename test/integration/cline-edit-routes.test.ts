import { describe, it } from 'vitest';
import { PINNED_MODES } from '../helpers/upstream';
import {
  CLINE_EDIT_TIMEOUT,
  createsThenEdits,
  editsPartOfALineByPatch,
  failsAnEdit,
  multiEditPartFails,
  multiEdits,
  writesOverAndOutside,
  type ClineEditRoute,
} from '../helpers/cline-edits';
import { multiEditReplacesAllAfterRead, replacesAllAfterRead, replacesAllUnread } from '../helpers/cline-replace-all';

/**
 * The real Cline CLI's file edits (test/helpers/cline-edits.ts) through both of its providers, the Messages API and
 * Chat Completions (`call_…` ids), on Generation B (`ws`; `sse-b` renders the same results) and Generation A, whose
 * model is shown Cline's `editor` and calls it as declared (it has no `replace_all` and no MultiEdit, so those two
 * run on Generation B alone: an Edit with `replace_all` goes as one span after a read of the file). About 2 s a Cline
 * run here; the file takes about 30 s.
 */
const ROUTES: Array<ClineEditRoute & { name: string }> = PINNED_MODES.filter((m) => m.expect !== 'sse-b').flatMap(
  (mode) =>
    (['anthropic', 'openai-compatible'] as const).map((provider) => ({
      name: `${provider === 'anthropic' ? 'Anthropic' : 'OpenAI Compatible'}, ${mode.name}`,
      mode,
      provider,
    })),
);

describe.each(ROUTES)('the agent editing files in Cline ($name)', (route) => {
  it('creates a file, then edits it', CLINE_EDIT_TIMEOUT, () => createsThenEdits(route));
  it('is told, as an error on Generation B, that the old text of its edit is not there', CLINE_EDIT_TIMEOUT, () =>
    failsAnEdit(route),
  );
});

describe.each(ROUTES.filter((route) => route.mode.expect === 'ws'))(
  "the agent's Edit with replace_all, its MultiEdit and its Writes in Cline ($name)",
  (route) => {
    it('is told, as an error, how to replace every match of a file it has not read', CLINE_EDIT_TIMEOUT, () =>
      replacesAllUnread(route),
    );
    it('replaces every match, after a read, as one span Cline makes', CLINE_EDIT_TIMEOUT, () =>
      replacesAllAfterRead(route),
    );
    it('makes each edit of a MultiEdit in turn', CLINE_EDIT_TIMEOUT, () => multiEdits(route));
    it(
      'replaces every match in a MultiEdit after a read, on the file as its earlier edits left it',
      CLINE_EDIT_TIMEOUT,
      () => multiEditReplacesAllAfterRead(route),
    );
    it('says in a split MultiEdit’s failed edit which of its edits were made', CLINE_EDIT_TIMEOUT, () =>
      multiEditPartFails(route),
    );
    it(
      'is told of Writes over and under a file and an Edit of a missing one as errors, and edits outside its folder',
      CLINE_EDIT_TIMEOUT,
      () => writesOverAndOutside(route),
    );
    it('edits part of a line it read in one request on a gpt id, Cline sent the whole line', CLINE_EDIT_TIMEOUT, () =>
      editsPartOfALineByPatch(route),
    );
    it('edits part of a line after a read and a search, with no read again', CLINE_EDIT_TIMEOUT, () =>
      editsPartOfALineByPatch(route, true),
    );
  },
);
