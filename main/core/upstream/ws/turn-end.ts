/**
 * True for the frame after which the server sends nothing more for this request (spec §5.6): an `error` frame,
 * or a `model` frame whose event is `finish`, either as `event.data.type` (what the last reference client read)
 * or as a flat `event.type` (what its older code and test fixtures used, spec §10 item 2). It reads the value the
 * frame was already parsed into, so telling where a turn ends costs a few property reads, not a second parse.
 */
export function endsTurn(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  if (type === 'error') return true;
  if (type !== 'model') return false;
  const event = (value as { event?: unknown }).event;
  if (typeof event !== 'object' || event === null) return false;
  const data = (event as { data?: unknown }).data;
  if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'finish') return true;
  return (event as { type?: unknown }).type === 'finish';
}
