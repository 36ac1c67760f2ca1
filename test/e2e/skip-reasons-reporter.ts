import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/**
 * Playwright's list reporter shows a skipped test's title but not why it was skipped (the Electron smoke test skips
 * itself where no Electron binary or display exists). This prints each skipped test's reason once, at the end.
 */
export default class SkipReasons implements Reporter {
  private readonly reasons = new Map<string, string>();

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status !== 'skipped') return;
    const skip = [...test.annotations, ...result.annotations].find((a) => a.type === 'skip' && a.description);
    this.reasons.set(test.titlePath().filter(Boolean).slice(1).join(' › '), skip?.description ?? 'no reason given');
  }

  onEnd(): void {
    for (const [title, reason] of this.reasons) console.log(`  Skipped ${title}: ${reason}`);
  }

  printsToStdio(): boolean {
    return true;
  }
}
