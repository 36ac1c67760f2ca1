import { UpstreamEventDecoder } from '../../main/core/orchids/event-decoder';
import type { UpstreamEvent } from '../../main/core/orchids/types';
import type { SimStep } from '../sim/steps';

/** What the event-decoder-*.test.ts files share: one decoder fed a stream in order, and model frames in each shape. */

/** Decodes payloads in order with one decoder (the decoder is stateful per stream). */
export function decodeAll(...payloads: unknown[]): UpstreamEvent[] {
  const decoder = new UpstreamEventDecoder();
  const out: UpstreamEvent[] = [];
  for (const payload of payloads) decoder.decode(payload, out);
  return out;
}
export const payloadsOf = (steps: SimStep[]): unknown[] => steps.flatMap((step) => ('data' in step ? [step.data] : []));
export const model = (event: Record<string, unknown>) => ({ type: 'model', event });
export const genB = (data: Record<string, unknown>) => ({ type: 'model', event: { data } });
