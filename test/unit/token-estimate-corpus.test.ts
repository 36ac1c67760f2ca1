import { getTokenizer } from '@anthropic-ai/tokenizer';
import { afterAll, describe, expect, it } from 'vitest';
import { estimateTextTokens } from '../../main/core/anthropic/token-estimate';
import { TOKEN_CORPUS } from '../helpers/token-corpus';

/**
 * The estimate against a real BPE tokenizer (Anthropic's published one, `@anthropic-ai/tokenizer`, a
 * devDependency for this calibration only: README "Tokens" says why none runs in the proxy) on the kinds of text an
 * agent's context holds. Hash-heavy texts (lockfile integrity strings, commit ids, base64, tool results full of
 * UUIDs and ids) are the ones a count of one token per letter run got ~30-90% too low, which let a client that
 * trusts the estimate compact too late.
 */
const BAND = 0.15;

describe('the token estimate against a BPE tokenizer', () => {
  const tokenizer = getTokenizer();
  afterAll(() => tokenizer.free());
  // What the package's countTokens does, without building the tokenizer anew for each text.
  const countTokens = (text: string): number => tokenizer.encode(text.normalize('NFKC'), 'all').length;

  it.each(TOKEN_CORPUS)('$name is within 15% of the reference', ({ text }) => {
    const reference = countTokens(text);
    const estimate = estimateTextTokens(text);
    expect(estimate, `estimate ${estimate}, reference ${reference}`).toBeGreaterThan(reference * (1 - BAND));
    expect(estimate, `estimate ${estimate}, reference ${reference}`).toBeLessThan(reference * (1 + BAND));
  });
});
