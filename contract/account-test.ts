import type { AccountTestStep } from './views';

/** A test step's upstream events as the window and the CLI both show them: "model/text-delta ×3, model/finish". */
export function describeTestEvents(events: NonNullable<AccountTestStep['events']>): string {
  return events.map((e) => (e.count > 1 ? `${e.type} ×${e.count}` : e.type)).join(', ');
}
