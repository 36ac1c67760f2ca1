import { describe, expect, it } from 'vitest';
import type { UpstreamProtocol } from '../../main/core/upstream/protocol';
import { pinnedMode } from '../helpers/upstream';

describe('pinnedMode', () => {
  it.each(['ws', 'sse-b', 'sse-a'] as const)('gives the mode pinned to %s', (protocol) => {
    const mode = pinnedMode(protocol);
    expect(mode.expect).toBe(protocol);
    expect(mode.setting).toBe(protocol);
    expect(mode.name).toBe(`pinned ${protocol}`);
  });

  it('names a mode it does not know instead of returning undefined', () => {
    expect(() => pinnedMode('sse-c' as UpstreamProtocol)).toThrow(/no pinned mode for 'sse-c'/);
  });
});
