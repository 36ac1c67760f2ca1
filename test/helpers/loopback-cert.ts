// The benchmark bundles this file (test/bench/sections-h2.ts), so it imports nothing that needs Vitest running,
// as ./temp-dir.ts does: the page a client fetches lives in ./loopback-page.ts.
import { generate } from 'selfsigned';

/**
 * A self-signed certificate for 127.0.0.1 (by IP in subjectAltName, which is how TLS clients check a bare
 * address), made at run time so that no key is ever committed. Tests and the benchmark trust it explicitly
 * (the core's extraCa), never by turning verification off.
 */
export async function loopbackCertificate(): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  return { cert: pems.cert, key: pems.private };
}
