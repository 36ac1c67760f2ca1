import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from './util/paths';
import { SWITCH_WORDS_HINT, switchWord } from './util/switch-word';
import { DEFAULT_MAX_BODY_BYTES } from './server/server-options';
import { DEFAULT_AGENT_B_URL, DEFAULT_AGENT_WS_URL } from './upstream/protocol';

/** Where the Orchids upstream lived in Generation A (protocol page 2.1); configurable because it moves. */
export const DEFAULT_AGENT_URL =
  'https://orchids-server.calmstone-6964e08a.westeurope.azurecontainerapps.io/agent/coding-agent';
export const DEFAULT_CLERK_URL = 'https://clerk.orchids.app';
/** The marketing site whose Next.js server action tells an account's plan and credits (protocol page 4.1). */
export const DEFAULT_SITE_URL = 'https://www.orchids.app';

/** Start-up configuration that only the environment sets; run-time settings live in settings/definitions.ts. */
export interface EnvConfig {
  dataDir: string;
  clerkUrl: string;
  /** Where account credits are read (credits/); not on the request path. */
  siteUrl: string;
  /** Generation A over SSE. */
  agentUrl: string;
  /** Generation B over a WebSocket. */
  agentWsUrl: string;
  /** Generation B over SSE. */
  agentBUrl: string;
  allowNonLoopback: boolean;
  maxBodyBytes: number;
  /** PEM certificates the upstream connections trust besides the system's (ORCHIDS_TRAY_CA_FILE). */
  extraCa?: string;
}

export class ConfigError extends Error {}

export function readEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const dataDir = env.ORCHIDS_TRAY_DATA_DIR?.trim() ? path.resolve(env.ORCHIDS_TRAY_DATA_DIR.trim()) : defaultDataDir();
  return {
    dataDir,
    clerkUrl: url(env, 'ORCHIDS_CLERK_URL', DEFAULT_CLERK_URL),
    siteUrl: url(env, 'ORCHIDS_SITE_URL', DEFAULT_SITE_URL),
    agentUrl: url(env, 'ORCHIDS_AGENT_URL', DEFAULT_AGENT_URL),
    agentWsUrl: url(env, 'ORCHIDS_AGENT_WS_URL', DEFAULT_AGENT_WS_URL, 'ws'),
    agentBUrl: url(env, 'ORCHIDS_AGENT_B_URL', DEFAULT_AGENT_B_URL),
    allowNonLoopback: onOff(env, 'ORCHIDS_TRAY_ALLOW_REMOTE'),
    maxBodyBytes: positiveInt(env, 'ORCHIDS_TRAY_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES),
    ...caFile(env),
  };
}

function caFile(env: NodeJS.ProcessEnv): { extraCa?: string } {
  const file = env.ORCHIDS_TRAY_CA_FILE?.trim();
  if (!file) return {};
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`ORCHIDS_TRAY_CA_FILE names a file that cannot be read: ${(error as Error).message}`);
  }
  // Node's TLS skips anything that is not a well-formed PEM certificate without a word, so a wrong file (a DER
  // certificate, a key, a damaged copy) would trust nothing and the upstream would fail later, for no clear reason.
  const certificates = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (certificates.length === 0) {
    throw new ConfigError(
      `ORCHIDS_TRAY_CA_FILE names ${file}, which holds no PEM certificate ("-----BEGIN CERTIFICATE-----"). ` +
        'A DER certificate converts with: openssl x509 -inform der -in <file> -out <file>.pem',
    );
  }
  certificates.forEach((pem, index) => {
    try {
      new X509Certificate(pem);
    } catch (error) {
      throw new ConfigError(
        `ORCHIDS_TRAY_CA_FILE names ${file}, whose certificate ${index + 1} cannot be read: ` +
          (error as Error).message,
      );
    }
  });
  return { extraCa: text };
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string, kind: 'http' | 'ws' = 'http'): string {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  try {
    const parsed = new URL(raw);
    if (parsed.protocol !== `${kind}:` && parsed.protocol !== `${kind}s:`) throw new Error(`not ${kind}(s)`);
    return raw.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(
      `${name} must be ${kind === 'http' ? 'an http(s)' : 'a ws(s)'} URL, not ${JSON.stringify(raw)}.`,
    );
  }
}

function onOff(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name]?.trim();
  if (!raw) return false;
  const on = switchWord(raw);
  if (on === undefined) throw new ConfigError(`${name} is "${raw}": ${SWITCH_WORDS_HINT}.`);
  return on;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new ConfigError(`${name} must be a positive whole number of bytes, not ${JSON.stringify(raw)}.`);
  return value;
}
