import type { ComponentProps } from 'react';

/** An account's weight: its share of requests, a whole number from 1 to 100 (the range the contract accepts). */
export function WeightInput(props: Omit<ComponentProps<'input'>, 'type' | 'min' | 'max' | 'step'>) {
  return <input {...props} type="number" min={1} max={100} step={1} />;
}
