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
 * opencode-edits.test.ts's file edits through the routes it does not take: opencode's OpenAI-compatible provider
 * (`/v1/chat/completions`) on Generation B, where every call id reaches opencode and goes upstream as `call_…`; and
 * its Anthropic provider on Generation A, whose model is shown opencode's `write` and `edit` as opencode declares them
 * and calls them in opencode's keys (two edits where Generation B's agent makes one MultiEdit).
 */
const ROUTES: Array<EditRoute & { name: string }> = [
  ...PINNED_MODES.filter((m) => m.expect !== 'sse-a').map((mode) => ({
    name: `Chat Completions, ${mode.name}`,
    mode,
    api: 'openai-chat' as const,
  })),
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
    'gives the agent opencode’s errors in its words, and a split MultiEdit’s applied part as applied',
    EDIT_TIMEOUT,
    () => refusesEditsInItsWords(route),
  );
});
