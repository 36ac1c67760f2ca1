import fs from 'node:fs';
import path from 'node:path';
import { runToExit } from './processes';
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
 * Runs `kilo run --format json <prompt>` in `cwd` as a user would, pointed at the proxy by a fresh home (see kiloHome);
 * `env` adds to that environment (NODE_EXTRA_CA_CERTS for a loopback page's certificate).
 */
export function runKilo(
  cwd: string,
  prompt: string,
  baseUrl: string,
  apiKey: string,
  options: { api?: OpencodeApi; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<OpencodeRun> {
  const env = { ...kiloHome(config(baseUrl, apiKey, options.api ?? 'anthropic')), ...options.env };
  const args = ['run', '--format', 'json', '--title', 'orchids-tray test', prompt];
  // Kilo's 170 MB binary takes tens of seconds to start on a busy two-core machine, and sets up its database first.
  const timeoutMs = options.timeoutMs ?? 180_000;
  return runToExit(KILO, args, { cwd, timeoutMs, env }).then(readRun);
}
