import { useState } from 'react';
import { describeTestEvents, formatAccountTest } from '../../../../contract/account-test';
import type { AccountTestResult, AccountTestStep } from '../../../../contract/account-views';
import { useApi, type AccountView } from '../../lib/api';
import { useAction } from '../../lib/hooks';
import { BusyButton } from '../BusyButton';
import { CopyButton } from '../CopyButton';
import { Dialog } from '../Dialog';
import { ErrorNote } from '../ViewHeader';

const OUTCOME: Record<AccountTestStep['outcome'], { label: string; tone: 'good' | 'warn' | 'bad' | 'muted' }> = {
  ok: { label: 'OK', tone: 'good' },
  answered: { label: 'Answered', tone: 'good' },
  'not-here': { label: 'Not here', tone: 'muted' },
  refused: { label: 'Refused', tone: 'warn' },
  failed: { label: 'Failed', tone: 'bad' },
  skipped: { label: 'Skipped', tone: 'muted' },
};

const STEP_NAME: Record<AccountTestStep['step'], string> = {
  'sign-in': 'Sign-in (Clerk)',
  ws: 'ws',
  'sse-b': 'sse-b',
  'sse-a': 'sse-a',
};

/**
 * "Does this account work, and over what?": one short real request through the upstream path, on the person's
 * word (it costs the account a one-word reply per protocol tried), shown step by step with the verdict first.
 */
export function TestAccountDialog({ account, onClose }: { account: AccountView | null; onClose: () => void }) {
  return (
    <Dialog open={account !== null} title={`Test ${account?.name ?? 'account'}`} onClose={onClose}>
      {/* Keyed by account: each opening starts with no old result. */}
      {account ? <TestRun key={account.id} account={account} onClose={onClose} /> : null}
    </Dialog>
  );
}

function TestRun({ account, onClose }: { account: AccountView; onClose: () => void }) {
  const api = useApi();
  const [result, setResult] = useState<AccountTestResult | null>(null);
  const test = useAction(async (all: boolean) => {
    setResult(null);
    const answer = await api.accounts.test({ id: account.id, ...(all ? { all: true } : {}) });
    setResult(answer);
  });
  // Either button starts a test; while one runs both are busy (BusyButton ignores their presses).
  const start = (all: boolean): void => void test.run(all);
  return (
    <div className="account-test">
      <p className="hint">
        Sends one short request (“Reply with the single word OK”) through the same path your tools’ requests take: a
        session from Clerk, then the upstream protocols in the order a request would try them. It is not counted in
        history or in the request counts, and changes nothing about the account. Each protocol tried costs the account
        what Orchids charges for a one-word reply.
      </p>
      <div role="status" aria-live="polite" className="account-test-status">
        {test.pending ? <p>Testing {account.name}…</p> : null}
        {result ? (
          <p className={`account-test-verdict tone-${result.works ? 'good' : 'bad'}`}>{result.verdict}</p>
        ) : null}
      </div>
      {result ? <TestSteps result={result} /> : null}
      <ErrorNote>{test.error}</ErrorNote>
      <div className="dialog-footer">
        {/* The whole result as text, as the CLI prints it: what a bug report about the service needs. */}
        {result ? (
          <CopyButton text={formatAccountTest(result)} what="test result" className="button dialog-footer-start" />
        ) : null}
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
        <BusyButton
          className="button"
          busy={test.pending}
          title="Try ws, sse-b and sse-a each, even after one answered"
          onClick={() => start(true)}
        >
          Try all protocols
        </BusyButton>
        <BusyButton className="button button-primary" data-autofocus busy={test.pending} onClick={() => start(false)}>
          {result || test.error ? 'Test again' : 'Run test'}
        </BusyButton>
      </div>
    </div>
  );
}

function TestSteps({ result }: { result: AccountTestResult }) {
  return (
    <>
      <p className="hint">
        Model <span className="model-id">{result.model}</span>; upstream protocol setting {result.setting}.
      </p>
      <ol className="account-test-steps">
        {result.steps.map((step) => (
          <li key={step.step} className="account-test-step">
            <span className="account-test-name">{STEP_NAME[step.step]}</span>
            <span className={`badge badge-${OUTCOME[step.outcome].tone}`}>{OUTCOME[step.outcome].label}</span>
            <span className="account-test-detail">
              <span>{step.detail}</span>
              {step.ms === undefined ? null : (
                <span className="account-test-meta">
                  {step.ms} ms{step.firstEventMs === undefined ? '' : ` (first event after ${step.firstEventMs} ms)`}
                </span>
              )}
              {step.reply ? <span className="account-test-reply">Reply: “{step.reply}”</span> : null}
              {step.events?.length ? (
                <span className="account-test-meta">Events: {describeTestEvents(step.events)}</span>
              ) : null}
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}
