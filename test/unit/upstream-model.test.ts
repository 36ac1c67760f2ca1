import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_MAP, mapModel, type ModelMap } from '../../main/core/orchids/model-map';
import { UpstreamModels } from '../../main/core/proxy/upstream-model';

describe('UpstreamModels', () => {
  it('answers as mapModel does, asked once or again', () => {
    const models = new UpstreamModels(() => DEFAULT_MODEL_MAP);
    for (const id of ['claude-sonnet-4-5', 'Claude-Opus-4.6', 'claude-haiku-4-5-20251001', 'claude-opus-4-8', 'x-1']) {
      expect(models.for(id)).toBe(mapModel(id, DEFAULT_MODEL_MAP));
      expect(models.for(id)).toBe(mapModel(id, DEFAULT_MODEL_MAP));
    }
  });

  it('uses a replaced map from the next request on, not what the old one said', () => {
    let map: ModelMap = { 'claude-sonnet-4-6': 'claude-sonnet-4-6' };
    const models = new UpstreamModels(() => map);
    expect(models.for('claude-sonnet-4-6')).toBe('claude-sonnet-4-6');
    map = { 'claude-sonnet-4-6': 'claude-opus-4-6' };
    expect(models.for('claude-sonnet-4-6')).toBe('claude-opus-4-6');
  });

  it('still maps every id right once it has seen more ids than it keeps', () => {
    const map: ModelMap = { 'claude-opus-*': 'claude-opus-4-6' };
    const models = new UpstreamModels(() => map);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 150; i++) {
        expect(models.for(`claude-opus-${i}`)).toBe('claude-opus-4-6');
        expect(models.for(`other-${i}`)).toBe(`other-${i}`);
      }
    }
  });
});
