import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { loopbackCertificate } from './loopback-cert';
import { tempDir } from './temp-dir';

/** An HTTPS page on 127.0.0.1, the CA file a client trusts it by, every request it was sent, and its stop. */
export interface LoopbackPage {
  url: string;
  caFile: string;
  hits: string[];
  stop: () => Promise<void>;
}

/**
 * Serves `html` over HTTPS on 127.0.0.1 at `/<name>` (any path answers it), for a client's own fetch of a web page:
 * Claude Code's WebFetch turns http:// into https:// and refuses a host without a dot (localhost).
 */
export async function servePage(name: string, html: string): Promise<LoopbackPage> {
  const { cert, key } = await loopbackCertificate();
  const hits: string[] = [];
  const page = https.createServer({ cert, key }, (req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  const caFile = path.join(tempDir('orchids-ca-'), 'loopback.pem');
  fs.writeFileSync(caFile, cert);
  const stop = async (): Promise<void> => {
    page.closeAllConnections();
    await new Promise<void>((resolve) => (page.listening ? page.close(() => resolve()) : resolve()));
  };
  return { url: `https://127.0.0.1:${(page.address() as AddressInfo).port}/${name}`, caFile, hits, stop };
}
