import { describe, it } from 'vitest';
import { PINNED_MODES } from '../helpers/upstream';
import {
  CONTINUE_EDIT_TIMEOUT,
  createsThenEdits,
  failsAnEdit,
  multiEdits,
  replacesAll,
  type ContinueEditRoute,
} from '../helpers/continue-edits';

/**
 * The real Continue CLI's file edits (test/helpers/continue-edits.ts) through both of its providers, `anthropic`
 * (the Messages API) and `openai` (Chat Completions, `call_…` ids), on Generation B (`ws`; `sse-b` renders the same
 * results) and Generation A, whose model is shown Continue's Read, Write and MultiEdit and calls them as declared.
 * About 3 s a Continue run here; the file takes about 45 s.
 */
const ROUTES: Array<ContinueEditRoute & { name: string }> = PINNED_MODES.filter((m) => m.expect !== 'sse-b').flatMap(
  (mode) => (['anthropic', 'openai'] as const).map((api) => ({ name: `${api}, ${mode.name}`, mode, api })),
);

describe.each(ROUTES)('the agent editing files in Continue ($name)', (route) => {
  it('creates a file, is refused an edit of it before a Read, then edits it', CONTINUE_EDIT_TIMEOUT, () =>
    createsThenEdits(route),
  );
  it('is told, as an error on Generation B, that the old text of its edit is not there', CONTINUE_EDIT_TIMEOUT, () =>
    failsAnEdit(route),
  );
  it('replaces text found twice only with replace_all', CONTINUE_EDIT_TIMEOUT, () => replacesAll(route));
  it('makes each edit of a MultiEdit in turn', CONTINUE_EDIT_TIMEOUT, () => multiEdits(route));
});
