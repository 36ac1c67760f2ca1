import Anthropic from '@anthropic-ai/sdk';
import { OrchidsCore, type CoreOptions } from '../../main/core/core';
import { simConfig } from './sim-env';
import { tempDir } from './temp-dir';
import { OrchidsSimulator, type SimOptions, type SimProtocols, type SimUser } from '../sim/orchids-simulator';
import type { ProtocolSetting } from '../../main/core/upstream/protocol';

export interface Stack {
  sim: OrchidsSimulator;
  core: OrchidsCore;
  url: string;
  dataDir: string;
  users: SimUser[];
  accountIds: number[];
  logs: string[];
  client: (options?: ConstructorParameters<typeof Anthropic>[0]) => Anthropic;
  stop: () => Promise<void>;
}

export interface StackOptions {
  accounts?: number;
  core?: Omit<CoreOptions, 'config' | 'port' | 'env'>;
  sim?: SimOptions;
  /** Environment seen by the core; the test process's own environment never leaks in. */
  env?: Record<string, string>;
  /** An existing data folder, which the caller owns; by default a temp dir removed after the test. */
  dataDir?: string;
  /** The upstream protocol setting (default: the app's default, auto). */
  protocol?: ProtocolSetting;
  /** Which protocols the simulator answers (default: all three). */
  serves?: SimProtocols;
}

/** A real core on a free loopback port, wired to a fresh simulator, with `accounts` accounts added through Clerk. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const sim = await OrchidsSimulator.start(options.sim);
  if (options.serves) sim.setProtocols(options.serves);
  const dataDir = options.dataDir ?? tempDir();
  const logs: string[] = [];
  const core = new OrchidsCore({
    countFlushMs: 50,
    dataVersionPollMs: 50,
    ...options.core,
    // DECISION: the accounts this helper adds are the test's setup, not a person's paste: their first credits read
    // waits an hour unless the test names a delay, so no test meets reads (and Clerk calls) it did not ask for.
    creditsTiming: { addedReadMs: 3_600_000, ...options.core?.creditsTiming },
    env: { ...(options.protocol ? { ORCHIDS_TRAY_UPSTREAM_PROTOCOL: options.protocol } : {}), ...options.env },
    config: { dataDir, ...simConfig(sim) },
    port: 0,
    log: (line) => logs.push(line),
  });
  const url = await core.start();
  const users: SimUser[] = [];
  const accountIds: number[] = [];
  for (let i = 0; i < (options.accounts ?? 1); i++) {
    const user = sim.addUser();
    users.push(user);
    const { account } = await core.accounts.add({ cookie: user.clientCookie, name: `Account ${i + 1}` });
    accountIds.push(account.id);
  }
  sim.resetStats();
  return {
    sim,
    core,
    url,
    dataDir,
    users,
    accountIds,
    logs,
    client: (clientOptions) =>
      new Anthropic({ baseURL: url, apiKey: 'test-not-a-real-key', maxRetries: 0, ...clientOptions }),
    stop: async () => {
      await core.stop(1000);
      await sim.close();
    },
  };
}
