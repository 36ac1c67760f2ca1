/**
 * Reading a request body off the connection, apart from making JSON of it (server/json-body.ts): the encodings, the
 * size limit and the body budget, UTF-8 checked as bytes arrive, and a connection that fails or a client that
 * leaves before the last byte. Every way it can be refused is here, in the words the client is answered with.
 */
import type { IncomingMessage } from 'node:http';
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import type { BodyReservation } from './body-budget';
import { decoderChain, EncodedBodyError, parseContentEncoding, type Coding } from './content-encoding';
import { BodyError, notUtf8, YIELDING_PARSE_BYTES } from './json-body';
import { clientErrorAnswer } from './listen';
import { Utf8Progress } from './utf8-progress';

/**
 * The client left (or was timed out) before its body arrived. Nobody is left to answer and nothing is wrong with
 * the server, so it is counted, not logged: 20,000 stalled uploads once wrote 100,000 lines of stack traces.
 */
export class ClientGoneError extends Error {
  constructor() {
    super('The client closed the connection before its request body arrived.');
    this.name = 'ClientGoneError';
  }
}

interface ReadBodyOptions {
  /** Holds the body's decoded bytes against the process-wide body budget; a body it cannot hold is a 529. */
  reservation?: BodyReservation;
  /** The largest body the budget could ever hold: a bigger one is a 413, since retrying it cannot succeed. */
  largestReservable?: number;
  /**
   * Refuse a body that is not UTF-8 (400). A body of known length is checked as its bytes arrive, so a large one
   * needs no pass over all of it in one go afterwards (31 MB: ~4 ms during which no other client is served).
   */
  checkUtf8?: boolean;
  /**
   * Aborted with Node's parser error when the connection fails under the body (the client half-closed before its
   * last byte, the request timed out, bytes that are not HTTP): the body is refused saying how much of it came.
   */
  interrupted?: BodyInterrupt;
}

/**
 * Refuses a body being read when the connection fails under it. A plain slot for one callback rather than an
 * AbortController: making one and listening on its signal, on every request, cost the streamed benchmark rows 10 to
 * 30 µs of CPU a request (side by side with the build before, this stop).
 */
export class BodyInterrupt {
  reason: Error | undefined;
  private onInterrupt: (() => void) | undefined;

  interrupt(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    this.onInterrupt?.();
  }

  /** The one reader's callback, or none once its read has settled. */
  listen(onInterrupt: (() => void) | undefined): void {
    this.onInterrupt = onInterrupt;
  }
}

/**
 * Reads the whole body, decoding any `Content-Encoding`, and refuses it as soon as its decoded size passes `limit`
 * (before buffering it all). With a reservation, every decoded byte is first reserved from the body budget.
 */
export function readBody(request: IncomingMessage, limit: number, options: ReadBodyOptions = {}): Promise<Buffer> {
  let codings: Coding[];
  try {
    codings = parseContentEncoding(request.headers['content-encoding']);
  } catch (error) {
    request.resume();
    return Promise.reject(new BodyError(415, (error as Error).message));
  }
  const { reservation } = options;
  const ceiling = Math.min(limit, options.largestReservable ?? Infinity);
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > ceiling) {
    request.resume(); // drain without keeping it
    return Promise.reject(new BodyError(413, tooLarge(ceiling, limit)));
  }
  // A plain body of known length is read into one buffer of that size, made when its first byte arrives: no chunk
  // list and no concatenation (which briefly held every large body twice). Bytes are reserved as they arrive, not
  // as declared, so uploads that stall after their headers hold no share of the budget.
  const known = codings.length === 0 && Number.isFinite(declared) ? declared : undefined;
  // A small body is checked in one go at its end: one call, as cheap as it gets, and no object for it.
  const { checkUtf8 } = options;
  const utf8 = checkUtf8 && known !== undefined && known >= YIELDING_PARSE_BYTES ? new Utf8Progress() : undefined;
  return new Promise((resolve, reject) => {
    const decoders = decoderChain(codings, ceiling, reservation && ((bytes) => reservation.take(bytes)));
    const source: Readable = decoders.reduce<Readable>((stream, decoder) => stream.pipe(decoder), request);
    let whole: Buffer | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const { interrupted } = options;
    // What came and is not read yet counts: a handler may begin reading after the connection failed.
    const cut = (): void =>
      finish(
        interruptedBody(interrupted!.reason, known === undefined ? undefined : size + request.readableLength, known),
      );
    const finish = (error: Error | undefined, body?: Buffer): void => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      // The request object outlives its body for as long as the client keeps the connection open (a minute and
      // more): listeners left on it would keep this scope, and with it the whole body, in memory that long.
      request.off('aborted', gone);
      request.off('error', gone);
      interrupted?.listen(undefined);
      whole = undefined;
      chunks.length = 0;
      if (error) {
        request.unpipe();
        for (const decoder of decoders) decoder.destroy();
        if (!(error instanceof ClientGoneError)) request.resume();
        reject(error);
      } else resolve(body!);
    };
    const gone = (): void => finish(new ClientGoneError());
    const onData = (chunk: Buffer): void => {
      if (size + chunk.length > ceiling) return finish(new BodyError(413, tooLarge(ceiling, limit)));
      if (reservation && !reservation.take(chunk.length)) return finish(overBudget());
      if (known !== undefined) {
        whole ??= Buffer.allocUnsafe(known);
        chunk.copy(whole, size);
        size += chunk.length;
        utf8?.advance(whole, size);
      } else {
        chunks.push(chunk);
        size += chunk.length;
      }
    };
    source.on('data', onData);
    source.once('end', () => {
      const body = whole ? whole.subarray(0, size) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      if (checkUtf8 && !(utf8 ? utf8.complete(body) : isUtf8(body))) finish(notUtf8());
      else finish(undefined, body);
    });
    for (const decoder of decoders) {
      decoder.once('error', (error: Error) => finish(decodingError(error, codings, ceiling, limit)));
    }
    request.once('aborted', gone);
    request.once('error', gone);
    if (interrupted?.reason) cut();
    else interrupted?.listen(cut);
  });
}

/**
 * The body the connection failed under. A client that half-closes before its last byte (a Content-Length larger
 * than what it sent) is told how much came; the other failures keep the words the server answers them with.
 */
function interruptedBody(reason: unknown, received: number | undefined, declared: number | undefined): BodyError {
  const error = reason as NodeJS.ErrnoException & { reason?: unknown };
  if (error?.code === 'HPE_INVALID_EOF_STATE') {
    return new BodyError(
      400,
      received === undefined || declared === undefined
        ? 'The request body ended before its last chunk: the client closed its side of the connection.'
        : `The request body ended after ${received} of the ${declared} bytes its Content-Length declared.`,
    );
  }
  const [status, message] = clientErrorAnswer(error);
  return new BodyError(status === 408 ? 408 : 400, message);
}

function decodingError(error: Error, codings: Coding[], ceiling: number, limit: number): BodyError {
  if (error instanceof EncodedBodyError && error.status === 413) {
    return new BodyError(413, `${tooLarge(ceiling, limit)} ${error.message}`);
  }
  if (error instanceof EncodedBodyError && error.status === 529) return overBudget();
  return new BodyError(400, `The request body could not be decoded (${codings.join(', ')}): ${error.message}`);
}

function tooLarge(ceiling: number, limit: number): string {
  if (ceiling < limit) {
    return (
      `Request exceeds the maximum allowed number of bytes (${ceiling}): ` +
      'the request body budget (setting requestBodyBudgetMb) cannot hold more.'
    );
  }
  return `Request exceeds the maximum allowed number of bytes (${limit}).`;
}

function overBudget(): BodyError {
  return new BodyError(
    529,
    'Orchids Tray is holding as many request bodies as its memory budget allows (setting requestBodyBudgetMb). ' +
      'Retry shortly.',
  );
}
