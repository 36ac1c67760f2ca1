/**
 * Micro-benchmark of the large-body request path's encoding steps, in-process: the Orchids body's JSON written into
 * a fresh ByteWriter (as encodeOrchidsBodyYielding does, sized from the client's body), the JSON quoting of short
 * texts (quoteJson), on the request size rows' 100 KB and 1 MB bodies. Each figure is the
 * fastest of several batches (as account-pick.ts), so other work on the machine can only hide a gain, not make one.
 *
 *   npx esbuild test/bench/body-encode-cost.ts --bundle --platform=node --outfile=/tmp/body-encode-cost.js \
 *     && node /tmp/body-encode-cost.js
 */
import { ByteWriter, upstreamCapacity } from '../../main/core/util/byte-writer';
import { jsonPieces, quoteJson } from '../../main/core/util/json-buffer';
import { sizedBody } from './bodies';
import { fastestBatch } from './fastest-batch';

for (const [name, bytes] of [
  ['100 KB', 100 * 1024],
  ['1 MB', 1024 * 1024],
] as const) {
  const text = sizedBody(bytes);
  const body = JSON.parse(text) as unknown;
  const encode = (): number => {
    const writer = new ByteWriter(upstreamCapacity(text.length));
    for (const piece of jsonPieces(body, 3)) writer.text(piece);
    return writer.finish().length;
  };
  fastestBatch(3, 5, encode);
  console.log(`encode ${name} into a fresh ByteWriter: ${(fastestBatch(9, 10, encode) / 1e3).toFixed(0)} µs`);
}

const short = ['msg_01XFDUDYJgAACzvnptvVoYEL', 'claude-sonnet-4-6', 'end_turn', 'Hello', 'say "hi"\n'];
for (const [name, quote] of [
  ['quoteJson', quoteJson],
  ['JSON.stringify', (t: string) => JSON.stringify(t)],
] as const) {
  let i = 0;
  fastestBatch(3, 200_000, () => quote(short[i++ % short.length]!).length);
  const ns = fastestBatch(9, 500_000, () => quote(short[i++ % short.length]!).length);
  console.log(`${name}, five short texts: ${ns.toFixed(1)} ns a text`);
}
