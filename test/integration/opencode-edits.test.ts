import { describe, it } from 'vitest';
import { PINNED_MODES } from '../helpers/upstream';
import {
  EDIT_TIMEOUT,
  failsAnEdit,
  refusesEditsInItsWords,
  replacesAllAndMultiEdits,
  writesThenEdits,
} from '../helpers/opencode-edits';

/**
 * The real opencode CLI running Generation B's file edits through its Anthropic provider: the agent's Write, Edit
 * (with and without `replace_all`) and MultiEdit, in Claude Code's keys, reach opencode's `write` and `edit` in
 * opencode's (`filePath`, `oldString`, `newString`, `replaceAll`); opencode 1.18 declares no multiedit, so the proxy
 * sends a MultiEdit as one `edit` an edit (anthropic/multi-edit.ts). The scenarios are in helpers/opencode-edits.ts,
 * shared with the other routes' (opencode-edit-routes.test.ts).
 */
describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))(
  "Generation B's agent editing files in opencode ($name)",
  (mode) => {
    const route = { mode, api: 'anthropic' } as const;
    it('writes a new file, then edits it', EDIT_TIMEOUT, () => writesThenEdits(route));
    it('replaces every match, and runs a MultiEdit as two edits', EDIT_TIMEOUT, () => replacesAllAndMultiEdits(route));
    it('gives the agent opencode’s error for an edit whose old text is not there', EDIT_TIMEOUT, () =>
      failsAnEdit(route),
    );
    it(
      'gives the agent opencode’s errors in its words, and a split MultiEdit’s applied part as applied',
      EDIT_TIMEOUT,
      () => refusesEditsInItsWords(route),
    );
  },
);
