/**
 * Runs the simulator as its own process (Playwright webServer, the benchmark, manual runs). It prints exactly one
 * JSON line with its URLs on stdout, so a parent can read the first line and knows the servers are listening.
 * Script it through the control API at controlUrl.
 *
 * The line holds clerkUrl, agentUrl (Generation A), agentWsUrl and agentBUrl (Generation B), siteUrl (the
 * marketing site, credits) and controlUrl.
 *
 * Env: SIM_TOKEN_TTL_SECONDS, SIM_PORT_CLERK, SIM_PORT_AGENT, SIM_PORT_AGENT_B, SIM_PORT_SITE (0 = random), and
 * optionally SIM_HOST, SIM_ROTATE_CLIENT_COOKIE=0|1 (default on), SIM_CLERK_DELAY_MS, SIM_WS_IDLE_TIMEOUT_MS.
 */
import { OrchidsSimulator } from './orchids-simulator';

function envNumber(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(value)}`);
  return n;
}

async function main(): Promise<void> {
  const sim = await OrchidsSimulator.start({
    tokenTtlSeconds: envNumber('SIM_TOKEN_TTL_SECONDS'),
    clerkPort: envNumber('SIM_PORT_CLERK'),
    agentPort: envNumber('SIM_PORT_AGENT'),
    agentBPort: envNumber('SIM_PORT_AGENT_B'),
    sitePort: envNumber('SIM_PORT_SITE'),
    clerkDelayMs: envNumber('SIM_CLERK_DELAY_MS'),
    wsIdleTimeoutMs: envNumber('SIM_WS_IDLE_TIMEOUT_MS'),
    rotateClientCookie:
      process.env.SIM_ROTATE_CLIENT_COOKIE === undefined ? undefined : process.env.SIM_ROTATE_CLIENT_COOKIE !== '0',
    host: process.env.SIM_HOST || undefined,
  });
  process.stdout.write(`${JSON.stringify(sim.urls())}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // Exit even if a socket refuses to close, so a test runner is never left waiting on us.
    setTimeout(() => process.exit(0), 2_000).unref();
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Started by `npm run demo` with `--exit-with-parent` and an IPC channel: the channel's end is the demo's, however it
  // ended (SIGKILL passes nothing on), and ours. The same opt-in as the app's (main/core/util/parent-watch.ts, which
  // says why); the simulator imports nothing of the app's.
  if (process.argv.includes('--exit-with-parent') && process.channel) {
    process.once('disconnect', stop);
    process.channel.unref();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`orchids simulator failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
