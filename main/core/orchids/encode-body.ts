import { ByteWriter, upstreamCapacity } from '../util/byte-writer';
import { encodeJsonToBuffer, encodeJsonYielding } from '../util/json-buffer';
import type { TimeSlices } from '../util/time-slices';
import type { OrchidsRequestBody } from './types';

const TOOLS_MEMBER = Buffer.from(',"tools":');
const CLOSE = Buffer.from('}');
/** Above this many characters of prompt and history, the body is encoded in pieces (see util/json-buffer.ts). */
const PIECEWISE_ABOVE = 30_000;

/**
 * The upstream body as bytes. Everything but the tools is serialised per request; the tools' JSON, cached per tool
 * list, is spliced in as it is. Plain JSON.stringify is the fastest way for an ordinary body; only one whose text
 * could pass V8's 64K-character large-object threshold is encoded piecewise.
 */
export function encodeOrchidsBody(body: OrchidsRequestBody, toolsJson: Buffer | undefined): Buffer {
  const { tools: _tools, ...rest } = body;
  let size = rest.prompt.length;
  for (const entry of rest.chatHistory) size += entry.content.length;
  if (size > PIECEWISE_ABOVE) {
    const head = encodeJsonToBuffer(rest);
    if (!toolsJson) return head;
    // `head` is a JSON object: reopen it before its closing brace for one more member.
    return Buffer.concat([head.subarray(0, head.length - 1), TOOLS_MEMBER, toolsJson, CLOSE]);
  }
  const text = JSON.stringify(rest);
  if (!toolsJson) return Buffer.from(text);
  // The same bytes written straight into one buffer: no intermediate copy of the head to concatenate.
  const headBytes = Buffer.byteLength(text) - 1; // up to, not including, the closing brace
  const out = Buffer.allocUnsafe(headBytes + TOOLS_MEMBER.length + toolsJson.length + CLOSE.length);
  out.write(text, 0, headBytes);
  TOOLS_MEMBER.copy(out, headBytes);
  toolsJson.copy(out, headBytes + TOOLS_MEMBER.length);
  CLOSE.copy(out, out.length - CLOSE.length);
  return out;
}

/**
 * encodeOrchidsBody for a large body: the same bytes, worked out a few milliseconds at a time and written into one
 * Buffer sized from `clientBytes`, the size of the client's body (util/byte-writer.ts).
 */
export async function encodeOrchidsBodyYielding(
  body: OrchidsRequestBody,
  toolsJson: Buffer | undefined,
  slices: TimeSlices,
  clientBytes: number,
): Promise<Buffer> {
  const { tools: _tools, ...rest } = body;
  const writer = new ByteWriter(upstreamCapacity(clientBytes) + (toolsJson?.length ?? 0));
  await encodeJsonYielding(writer, rest, slices);
  if (toolsJson) {
    // Reopen the object before its closing brace for one more member, as encodeOrchidsBody does.
    writer.unwrite(1);
    writer.bytes(TOOLS_MEMBER);
    writer.bytes(toolsJson);
    writer.bytes(CLOSE);
  }
  return writer.finish();
}
