import { describe, expect, it } from 'vitest';
import { ConfigError, readEnvConfig } from '../../main/core/config';

describe('ORCHIDS_TRAY_MAX_BODY_BYTES', () => {
  it.each(['-5', '32MiB', '1.5', '0'])('%j is refused with the value given, as a wrong URL is', (raw) => {
    const read = () => readEnvConfig({ ORCHIDS_TRAY_MAX_BODY_BYTES: raw });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(`ORCHIDS_TRAY_MAX_BODY_BYTES must be a positive whole number of bytes, not "${raw}".`);
  });

  it('a whole number of bytes is taken as it is; unset or blank, the default', () => {
    expect(readEnvConfig({ ORCHIDS_TRAY_MAX_BODY_BYTES: ' 33554432 ' }).maxBodyBytes).toBe(33_554_432);
    const fallback = readEnvConfig({}).maxBodyBytes;
    expect(fallback).toBeGreaterThan(0);
    expect(readEnvConfig({ ORCHIDS_TRAY_MAX_BODY_BYTES: '  ' }).maxBodyBytes).toBe(fallback);
  });
});
