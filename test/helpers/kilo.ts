import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, runToExit } from './processes';
import { tempDir } from './temp-dir';
import {
  BUN_SYSTEM_MALLOC,
  config,
  pathWithRipgrep,
  readRun,
  xdgHome,
  type OpencodeApi,
  type OpencodeRun,
} from './opencode';

/**
 * Kilo Code's CLI (`kilo`), a fork of opencode: it reads the same provider config and prints the same
 * `run --format json` events, so the tests reuse opencode's config and reader and differ only in the home.
 * ORCHIDS_TEST_KILO runs another copy of it.
 */
export const KILO = process.env.ORCHIDS_TEST_KILO ?? path.resolve(__dirname, '../../node_modules/.bin/kilo');

/**
 * A fresh home whose `~/.config/kilo/kilo.json` is `configText`, and the environment that runs Kilo in it with its
 * calls beyond loopback switched off: Kilo takes opencode's switches under its own prefix (KILO_ for OPENCODE_).
 */
export function kiloHome(configText: string): NodeJS.ProcessEnv {
  const home = tempDir('orchids-kilo-home-');
  const configDir = path.join(home, '.config', 'kilo');
  fs.mkdirSync(configDir, { recursive: true });
  fs.writeFileSync(path.join(configDir, 'kilo.json'), configText);
  return {
    // Without a ripgrep Kilo's glob and grep fail (`ripgrep execution failed: Transport error (GET https://github…`).
    PATH: pathWithRipgrep(),
    ...xdgHome(home),
    KILO_DISABLE_AUTOUPDATE: '1',
    KILO_DISABLE_MODELS_FETCH: '1',
    KILO_DISABLE_LSP_DOWNLOAD: '1',
    KILO_DISABLE_SHARE: '1',
    KILO_DISABLE_DEFAULT_PLUGINS: '1',
    KILO_DISABLE_PROJECT_CONFIG: '1',
    // Kilo's own calls beyond opencode's: PostHog (on unless this says `all`), its file finder and codebase index,
    // its session upload and presence, and the Claude Code settings and skills it reads from the home.
    KILO_TELEMETRY_LEVEL: 'off',
    KILO_DISABLE_FFF: '1',
    KILO_DISABLE_CODEBASE_INDEXING: '1',
    KILO_DISABLE_SESSION_INGEST: '1',
    KILO_DISABLE_PRESENCE: '1',
    KILO_DISABLE_CLAUDE_CODE: '1',
    KILO_DISABLE_EXTERNAL_SKILLS: '1',
    // DECISION: Kilo 7.7.7 asks its own gateway (https://api.kilo.ai) for its model list at every run's first step,
    // KILO_DISABLE_MODELS_FETCH or not (strace: a DNS query for api.kilo.ai). Unanswered it waits up to its 10 s
    // fetch timeout; here the resolver refuses the name at once. Pointed at loopback's discard port, where nothing
    // listens, the connection is refused at once and nothing leaves loopback. The gateway's list goes unused either
    // way (Kilo logs "model fetch error" and 0 models and carries on with the config's provider).
    KILO_API_URL: 'http://127.0.0.1:9',
    ...BUN_SYSTEM_MALLOC,
  };
}

/**
 * One `kilo serve` on loopback in a home of its own (see kiloHome), for runs attached to it (runKilo's `server`): its
 * URL, its home's environment, which attached runs share, the config file each rewrites, what it printed to stderr,
 * and its stop.
 */
export interface KiloServer {
  url: string;
  env: NodeJS.ProcessEnv;
  configFile: string;
  stderr: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts `kilo serve` on a free loopback port, with every switch kiloHome sets. DECISION: one server per test file,
 * each test's `kilo run --attach` pointed at it, because each plain `kilo run` spends 16–22 s of CPU starting Kilo's
 * 170 MB binary and its server in-process, and an attached one 5–7 s in its own process (measured, run for run on a
 * loaded two-core machine: 15–25 s of wall against 33–43 s; kilo-cli.test.ts went from 347 s to 227 s). A
 * plain `kilo run` serves its session from that same server code in-process, so what reaches the proxy, what the
 * tools do on disk and the events printed are the same; the tools run in the server, in the run's `--dir`.
 * Each test's proxy is on a port of its own, so each run rewrites the home's config before it starts: Kilo reads the
 * global config afresh for each new directory it serves, and every run's directory is new. A run that reached a
 * stale config would ask a stopped proxy, whose refusals Kilo retries until the run's timeout kills it: it fails,
 * slowly, and never passes unseen.
 */
export async function startKiloServer(): Promise<KiloServer> {
  // Never asked: the first run writes its own proxy's config over this one.
  const env = kiloHome(config('http://127.0.0.1:9', 'unused', 'anthropic'));
  const configFile = path.join(env.XDG_CONFIG_HOME ?? '', 'kilo', 'kilo.json');
  const port = await freePort();
  const child = spawn(KILO, ['serve', '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: tempDir('orchids-kilo-serve-'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const fail = (why: string): void => reject(new Error(`kilo serve ${why}:\n${stdout}${stderr}`));
    // Started like a plain run's binary, on a busy machine: tens of seconds.
    const timer = setTimeout(() => fail('did not listen in 120 s'), 120_000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (listening) {
        clearTimeout(timer);
        resolve(listening[1]!);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      fail(`exited (${String(child.exitCode ?? child.signalCode)})`);
    });
  });
  const stop = async (): Promise<void> => {
    // The npm wrapper passes SIGTERM on to Kilo's binary and exits with it.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return { url, env, configFile, stderr: () => stderr, stop };
}

/**
 * Runs `kilo run --format json <prompt>` in `cwd` as a user would, pointed at the proxy by a fresh home (see kiloHome);
 * `env` adds to that environment (NODE_EXTRA_CA_CERTS for a loopback page's certificate). With `server`, the run is
 * attached to that `kilo serve` (see startKiloServer) with `cwd` as its directory, and the server's home is pointed at
 * the proxy instead; `env` then has no say over the tools, which run in the server, and is refused.
 */
export function runKilo(
  cwd: string,
  prompt: string,
  baseUrl: string,
  apiKey: string,
  options: { api?: OpencodeApi; timeoutMs?: number; env?: NodeJS.ProcessEnv; server?: KiloServer } = {},
): Promise<OpencodeRun> {
  const configText = config(baseUrl, apiKey, options.api ?? 'anthropic');
  const { server } = options;
  if (server && options.env) throw new Error("an attached run's tools take the server's environment, not the run's");
  // An attached run shares the server's home, as a second terminal of the same user would.
  const env = server ? server.env : { ...kiloHome(configText), ...options.env };
  if (server) fs.writeFileSync(server.configFile, configText);
  const attach = server ? ['--attach', server.url, '--dir', cwd] : [];
  const args = ['run', ...attach, '--format', 'json', '--title', 'orchids-tray test', prompt];
  // Kilo's 170 MB binary takes tens of seconds to start on a busy two-core machine, and sets up its database first.
  const timeoutMs = options.timeoutMs ?? 180_000;
  return runToExit(KILO, args, { cwd, timeoutMs, env }).then((exited) =>
    // A failed attached run's cause may be in the server's log: the failure message shows both.
    readRun(
      server && exited.code !== 0 ? { ...exited, stderr: `${exited.stderr}\nkilo serve:\n${server.stderr()}` } : exited,
    ),
  );
}
