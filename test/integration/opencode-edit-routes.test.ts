import { describe, it } from 'vitest';
import { PINNED_MODES } from '../helpers/upstream';
import {
  EDIT_TIMEOUT,
  failsAnEdit,
  refusesEditsInItsWords,
  replacesAllAndMultiEdits,
  writesThenEdits,
  type EditRoute,
} from '../helpers/opencode-edits';

/**
 * The real opencode CLI running the agent's file edits (helpers/opencode-edits.ts) on every route. On Generation B
 * the agent's Write, Edit (with and without `replace_all`) and MultiEdit, in Claude Code's keys, reach opencode's
 * `write` and `edit` in opencode's (`filePath`, `oldString`, `newString`, `replaceAll`); opencode 1.18 declares no
 * multiedit, so the proxy sends a MultiEdit as one `edit` an edit (anthropic/multi-edit.ts), not all or none: a failed
 * one's result tells the agent which of its edits were made. Through its Anthropic
 * provider and its OpenAI-compatible one (`/v1/chat/completions`, where every call id reaches opencode and goes
 * upstream as `call_…`). On Generation A, through the Anthropic provider, the model is shown opencode's `write` and
 * `edit` as opencode declares them and calls them in opencode's keys (two edits where Generation B's agent makes one
 * MultiEdit).
 */
const GEN_B = PINNED_MODES.filter((m) => m.expect !== 'sse-a');
const ROUTES: Array<EditRoute & { name: string }> = [
  ...GEN_B.map((mode) => ({ name: `Anthropic, ${mode.name}`, mode, api: 'anthropic' as const })),
  ...GEN_B.map((mode) => ({ name: `Chat Completions, ${mode.name}`, mode, api: 'openai-chat' as const })),
  ...PINNED_MODES.filter((m) => m.expect === 'sse-a').map((mode) => ({
    name: `Anthropic, ${mode.name}`,
    mode,
    api: 'anthropic' as const,
  })),
];

describe.each(ROUTES)('the agent editing files in opencode ($name)', (route) => {
  it('writes a new file, then edits it', EDIT_TIMEOUT, () => writesThenEdits(route));
  it('replaces every match, and makes several edits in turn', EDIT_TIMEOUT, () => replacesAllAndMultiEdits(route));
  it('gives the agent opencode’s error for an edit whose old text is not there', EDIT_TIMEOUT, () =>
    failsAnEdit(route),
  );
  it(
    'gives the agent opencode’s errors in its words, and says in a split MultiEdit’s failed part which were made',
    EDIT_TIMEOUT,
    () => refusesEditsInItsWords(route),
  );
});
