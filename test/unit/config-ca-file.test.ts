import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readEnvConfig } from '../../main/core/config';
import { loopbackCertificate } from '../helpers/loopback-cert';
import { tempDir } from '../helpers/temp-dir';

/**
 * ORCHIDS_TRAY_CA_FILE is read at start. Node's TLS silently skips whatever in it is not a well-formed PEM
 * certificate, so a wrong file must be refused here, by name, rather than trusting nothing without a word.
 */
let cert = '';
beforeAll(async () => {
  ({ cert } = await loopbackCertificate());
}, 60_000);

function caFile(text: string | Buffer): string {
  const file = path.join(tempDir(), 'ca.pem');
  fs.writeFileSync(file, text);
  return file;
}

const read = (file: string) => readEnvConfig({ ORCHIDS_TRAY_CA_FILE: file, ORCHIDS_TRAY_DATA_DIR: tempDir() });

describe('ORCHIDS_TRAY_CA_FILE', () => {
  it('takes a file of PEM certificates as it is', () => {
    const pem = `# the company proxy\n${cert}${cert}`;
    expect(read(caFile(pem)).extraCa).toBe(pem);
  });

  it('refuses a file with no PEM certificate in it, naming the file and how to convert one', () => {
    for (const text of ['not a certificate\n', Buffer.from([0x30, 0x82, 0x01, 0x0a, 0x02, 0x82])]) {
      const file = caFile(text);
      expect(() => read(file)).toThrow(ConfigError);
      expect(() => read(file)).toThrow(new RegExp(`${file}, which holds no PEM certificate.*openssl x509 -inform der`));
    }
  });

  it('refuses a damaged certificate, saying which one', () => {
    const damaged = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(() => read(caFile(`${cert}${damaged}`))).toThrow(/whose certificate 2 cannot be read/);
  });

  it('refuses a file that cannot be read', () => {
    expect(() => read(path.join(tempDir(), 'missing.pem'))).toThrow(/names a file that cannot be read: ENOENT/);
  });
});
