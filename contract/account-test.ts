import type { AccountTestResult, AccountTestStep } from './account-views';

/** A test step's upstream events as the window and the CLI both show them: "model/text-delta ×3, model/finish". */
export function describeTestEvents(events: NonNullable<AccountTestStep['events']>): string {
  return events.map((e) => (e.count > 1 ? `${e.type} ×${e.count}` : e.type)).join(', ');
}

const OUTCOME_WORDS: Record<AccountTestStep['outcome'], string> = {
  ok: 'ok',
  answered: 'answered',
  'not-here': 'not here',
  refused: 'refused',
  failed: 'failed',
  skipped: 'skipped',
};

/**
 * A test as a person reads it, one line per step, what came back, and the verdict last: what `accounts test` prints
 * and what the window's Copy puts on the clipboard for a bug report.
 */
export function formatAccountTest(result: AccountTestResult): string {
  const lines = [
    `Account ${result.id} (${result.name}), model ${result.model}, upstreamProtocol ${result.setting}:`,
    ...result.steps.map(formatStep),
    '',
    result.verdict,
  ];
  return lines.join('\n');
}

function formatStep(step: AccountTestStep): string {
  const timing =
    step.ms === undefined
      ? ''
      : step.firstEventMs === undefined
        ? ` in ${step.ms} ms`
        : ` in ${step.ms} ms (first event ${step.firstEventMs} ms)`;
  // The upstream's own words usually carry the status already ("Orchids answered HTTP 429: …").
  const status =
    step.status === undefined || step.outcome === 'answered' || step.detail.includes(`HTTP ${step.status}`)
      ? ''
      : ` [HTTP ${step.status}]`;
  const head = `  ${step.step.padEnd(8)} ${OUTCOME_WORDS[step.outcome].padEnd(9)} ${step.detail}${status}${timing}`;
  const more: string[] = [];
  if (step.reply !== undefined && step.reply !== '') more.push(`           reply: ${JSON.stringify(step.reply)}`);
  if (step.events?.length) more.push(`           events: ${describeTestEvents(step.events)}`);
  return [head, ...more].join('\n');
}
