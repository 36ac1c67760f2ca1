import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MODEL_MAP,
  listedModels,
  mapModel,
  normalizeModelId,
  validateModelMap,
  type ModelMap,
} from '../../main/core/orchids/model-map';

describe('normalizeModelId', () => {
  it('lowercases, trims and dashes the Claude version dots', () => {
    expect(normalizeModelId('  Claude-Opus-4.6 ')).toBe('claude-opus-4-6');
    expect(normalizeModelId('claude-sonnet-4.5-thinking')).toBe('claude-sonnet-4-5-thinking');
  });

  it('leaves the dots of other vendors alone', () => {
    expect(normalizeModelId('GPT-5.2')).toBe('gpt-5.2');
    expect(normalizeModelId('grok-4.1-fast')).toBe('grok-4.1-fast');
    expect(normalizeModelId('kimi-k2.5')).toBe('kimi-k2.5');
  });
});

describe('mapModel with the default table', () => {
  it.each([
    ['claude-sonnet-4-5', 'claude-sonnet-4-6'],
    ['claude-sonnet-4-6', 'claude-sonnet-4-6'],
    ['claude-sonnet-4-6-thinking', 'claude-sonnet-4-6'],
    ['claude-sonnet-4-5-thinking', 'claude-sonnet-4-5-thinking'],
    ['claude-opus-4-5', 'claude-opus-4-6'],
    ['claude-opus-4-6', 'claude-opus-4-6'],
    ['claude-opus-4-6-thinking', 'claude-opus-4-6'],
    ['claude-opus-4-5-thinking', 'claude-opus-4-5-thinking'],
    ['claude-haiku-4-5', 'claude-haiku-4-5'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4-20250514'],
    ['claude-3-7-sonnet-20250219', 'claude-3-7-sonnet-20250219'],
  ])('section 5 row %s → %s', (requested, upstream) => {
    expect(mapModel(requested, DEFAULT_MODEL_MAP)).toBe(upstream);
  });

  const passThrough = ['gemini-3-flash', 'gemini-3-pro', 'gpt-5.3-codex', 'gpt-5.2-codex', 'gpt-5.2', 'grok-4.1-fast'];
  it.each([...passThrough, 'glm-5', 'kimi-k2.5'])('passes %s through unchanged', (id) => {
    expect(mapModel(id, DEFAULT_MODEL_MAP)).toBe(id);
  });

  it('sends a Claude model no table knows to the newest of its family', () => {
    expect(mapModel('claude-opus-4-8', DEFAULT_MODEL_MAP)).toBe('claude-opus-4-6');
    expect(mapModel('claude-sonnet-5', DEFAULT_MODEL_MAP)).toBe('claude-sonnet-4-6');
    expect(mapModel('claude-haiku-9-1', DEFAULT_MODEL_MAP)).toBe('claude-haiku-4-5');
  });

  it("sends Claude Code's Fable, a family the upstream lacks, to the upstream's most capable model", () => {
    expect(mapModel('claude-fable-5-2', DEFAULT_MODEL_MAP)).toBe('claude-opus-4-6');
    expect(mapModel('claude-fable-5', DEFAULT_MODEL_MAP)).toBe('claude-opus-4-6');
  });

  it('accepts the dotted spelling and stray case/whitespace', () => {
    expect(mapModel('claude-opus-4.5', DEFAULT_MODEL_MAP)).toBe('claude-opus-4-6');
    expect(mapModel(' Claude-Sonnet-4.6-Thinking ', DEFAULT_MODEL_MAP)).toBe('claude-sonnet-4-6');
    expect(mapModel('claude-opus-4.5-thinking', DEFAULT_MODEL_MAP)).toBe('claude-opus-4-5-thinking');
  });

  it('strips a date suffix before falling back to patterns', () => {
    expect(mapModel('claude-haiku-4-5-20251001', DEFAULT_MODEL_MAP)).toBe('claude-haiku-4-5');
    expect(mapModel('claude-opus-4-5-20251101', DEFAULT_MODEL_MAP)).toBe('claude-opus-4-6');
    expect(mapModel('claude-sonnet-4-5-20250929', DEFAULT_MODEL_MAP)).toBe('claude-sonnet-4-6');
    // A dated id that is itself a key wins over its undated form.
    expect(mapModel('claude-sonnet-4-20250514', DEFAULT_MODEL_MAP)).toBe('claude-sonnet-4-20250514');
  });

  it('passes unknown ids through normalised, like the upstream Generation B', () => {
    expect(mapModel('GPT-5.2', DEFAULT_MODEL_MAP)).toBe('gpt-5.2');
    expect(mapModel('gemini-3.1-pro', DEFAULT_MODEL_MAP)).toBe('gemini-3.1-pro');
    expect(mapModel('some-future-model', DEFAULT_MODEL_MAP)).toBe('some-future-model');
  });

  it('cannot be mutated in place', () => {
    expect(Object.isFrozen(DEFAULT_MODEL_MAP)).toBe(true);
  });
});

describe('mapModel with a user-edited map', () => {
  it('prefers exact keys, then the undated id, then the most specific pattern', () => {
    const map: ModelMap = {
      '*': 'catch-all',
      'claude-*': 'any-claude',
      'claude-opus-*': 'opus',
      '*-thinking': 'thinker',
      'claude-opus-*-thinking': 'opus-thinker',
      'claude-haiku-4-5': 'haiku-exact',
      'claude-haiku-*': 'haiku-pattern',
    };
    expect(mapModel('claude-opus-9', map)).toBe('opus');
    expect(mapModel('claude-opus-9-thinking', map)).toBe('opus-thinker');
    // '*-thinking' has 9 literal characters, 'claude-*' only 7.
    expect(mapModel('claude-sonnet-9-thinking', map)).toBe('thinker');
    expect(mapModel('claude-sonnet-9', map)).toBe('any-claude');
    expect(mapModel('gpt-5-thinking', map)).toBe('thinker');
    expect(mapModel('mistral', map)).toBe('catch-all');
    expect(mapModel('claude-haiku-4-5-20251001', map)).toBe('haiku-exact');
    expect(mapModel('claude-haiku-4-6', map)).toBe('haiku-pattern');
  });

  it('requires middle literals to appear in order without overlapping the ends', () => {
    const map: ModelMap = { 'a*b*c': 'hit' };
    expect(mapModel('axbyc', map)).toBe('hit');
    expect(mapModel('abc', map)).toBe('hit');
    expect(mapModel('acb', map)).toBe('acb');
    expect(mapModel('ac', map)).toBe('ac');
  });

  it('keeps the first of two equally specific patterns', () => {
    expect(mapModel('x-y', { 'x-*': 'first', '*-y': 'second' })).toBe('first');
  });

  it('uses the new table as soon as a new map object is passed', () => {
    const before: ModelMap = { 'claude-opus-*': 'old-target' };
    const after: ModelMap = { 'claude-opus-*': 'new-target' };
    expect(mapModel('claude-opus-4-8', before)).toBe('old-target');
    expect(mapModel('claude-opus-4-8', after)).toBe('new-target');
    expect(mapModel('claude-opus-4-8', before)).toBe('old-target');
  });

  it('does not treat Object.prototype members as keys', () => {
    expect(mapModel('constructor', {})).toBe('constructor');
    expect(mapModel('__proto__', {})).toBe('__proto__');
  });
});

describe('listedModels', () => {
  it('lists concrete ids only, in table order', () => {
    const listed = listedModels(DEFAULT_MODEL_MAP);
    expect(listed).toContain('claude-opus-4-6');
    expect(listed).toContain('gpt-5.2');
    expect(listed.some((id) => id.includes('*'))).toBe(false);
    expect(listed[0]).toBe('claude-sonnet-4-5');
    expect(listedModels({ 'a-*': 'x', b: 'y' })).toEqual(['b']);
  });
});

describe('validateModelMap', () => {
  it('accepts a valid table and normalises its keys', () => {
    const result = validateModelMap({ 'Claude-Opus-4.6': 'claude-opus-4-6', 'my-*': 'gpt-5.2' });
    expect(result).toEqual({ ok: true, map: { 'claude-opus-4-6': 'claude-opus-4-6', 'my-*': 'gpt-5.2' } });
    if (result.ok) expect(mapModel('claude-opus-4.6', result.map)).toBe('claude-opus-4-6');
  });

  it('accepts an empty table (everything passes through)', () => {
    expect(validateModelMap({})).toEqual({ ok: true, map: {} });
  });

  it.each([
    ['a non-object', 'claude'],
    ['null', null],
    ['an array', [['a', 'b']]],
    ['an empty key', { '': 'x' }],
    ['a key with a space', { 'claude opus': 'x' }],
    ['a key with a tab', { 'claude\topus': 'x' }],
    ['a value with a newline', { a: 'x\ny' }],
    ['an empty value', { a: '' }],
    ['a non-string value', { a: 42 }],
    ['a pattern as a value', { a: 'claude-*' }],
    ['keys that normalise to the same id', { 'claude-opus-4.6': 'x', 'claude-opus-4-6': 'y' }],
  ])('rejects %s', (_label, value) => {
    const result = validateModelMap(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
  });

  it('rejects more than 500 entries and accepts exactly 500', () => {
    const entries = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`m-${i}`, 'x']));
    expect(validateModelMap(entries(500)).ok).toBe(true);
    expect(validateModelMap(entries(501)).ok).toBe(false);
  });

  it('keeps a "__proto__" key as an ordinary entry', () => {
    const result = validateModelMap(JSON.parse('{"__proto__":"evil"}'));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(Object.getPrototypeOf(result.map)).toBe(Object.prototype);
      expect(mapModel('__proto__', result.map)).toBe('evil');
    }
  });
});

describe('mapModel remembers what it mapped, per map', () => {
  it('answers as a map seen for the first time does, asked once or again', () => {
    for (const id of ['claude-sonnet-4-5', 'Claude-Opus-4.6', 'claude-haiku-4-5-20251001', 'claude-opus-4-8', 'x-1']) {
      const fresh = mapModel(id, { ...DEFAULT_MODEL_MAP });
      expect(mapModel(id, DEFAULT_MODEL_MAP)).toBe(fresh);
      expect(mapModel(id, DEFAULT_MODEL_MAP)).toBe(fresh);
    }
  });

  it('uses a replaced map from the next request on, not what the old one said', () => {
    let map: ModelMap = { 'claude-sonnet-4-6': 'claude-sonnet-4-6' };
    expect(mapModel('claude-sonnet-4-6', map)).toBe('claude-sonnet-4-6');
    map = { 'claude-sonnet-4-6': 'claude-opus-4-6' };
    expect(mapModel('claude-sonnet-4-6', map)).toBe('claude-opus-4-6');
  });

  it('still maps every id right once it has seen more ids than it keeps', () => {
    const map: ModelMap = { 'claude-opus-*': 'claude-opus-4-6' };
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 150; i++) {
        expect(mapModel(`claude-opus-${i}`, map)).toBe('claude-opus-4-6');
        expect(mapModel(`other-${i}`, map)).toBe(`other-${i}`);
      }
    }
  });
});
