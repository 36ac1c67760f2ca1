import { z } from 'zod';
import { commaList } from '../../../contract/lists';
import { DEFAULT_MODEL_MAP, validateModelMap, type ModelMap } from '../orchids/model-map';
import { PROTOCOL_SETTINGS, type ProtocolSetting } from '../upstream/protocol';
import { switchWord } from '../util/switch-word';

/**
 * Every setting a user can change at run time, with its default, its schema and the environment variable that
 * overrides it. The UI, the CLI and the core all read this one table, so a new setting is added in one place.
 */

// Strict on purpose: parseInt read "3002abc" as 3002 and "120000ms" as 120000, and an unknown word read as false,
// so a typo in an environment variable silently became a different setting. Anything not clearly a whole number or
// a yes/no word is handed to the schema as is, which refuses it with a SettingError naming the variable.
const boolFromEnv = (raw: string): boolean | string => switchWord(raw) ?? raw.trim();
const intFromEnv = (raw: string): number => (/^[+-]?\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN);

/** Stores the validated map, whose keys are normalised the way lookups normalise requested ids. */
const modelMapSchema = z.unknown().transform((value, context): ModelMap => {
  const result = validateModelMap(value);
  if (result.ok) return result.map;
  context.addIssue({ code: 'custom', message: result.error });
  return z.NEVER;
});

export const SETTING_DEFINITIONS = {
  host: {
    env: 'ORCHIDS_TRAY_HOST',
    default: '127.0.0.1',
    // A name (an underscore too, as /etc/hosts allows) or an address (IPv6 with or without brackets, a zone).
    // Anything else, a port or a typo, was read as some remote address and refused as one ("would let other
    // machines use your accounts"), which misled.
    schema: z
      .string()
      .min(1)
      .max(255)
      .regex(/^(?:[\w.-]+|\[?[0-9a-f:.]+(?:%[\w.-]+)?\]?)$/i, 'an IP address or host name, such as 127.0.0.1'),
    fromEnv: (raw: string) => raw.trim(),
    needsRestart: true,
  },
  port: {
    env: 'ORCHIDS_TRAY_PORT',
    default: 3002,
    // 0 asks the OS for any free port (tests, several instances); the app prints the port it got.
    schema: z.number().int().min(0).max(65535),
    fromEnv: intFromEnv,
    needsRestart: true,
  },
  apiKey: {
    env: 'ORCHIDS_TRAY_API_KEY',
    default: '',
    schema: z.string().max(512),
    fromEnv: (raw: string) => raw.trim(),
    needsRestart: false,
  },
  debugLogs: {
    env: 'ORCHIDS_TRAY_DEBUG_LOGS',
    default: false,
    schema: z.boolean(),
    fromEnv: boolFromEnv,
    needsRestart: false,
  },
  modelMap: {
    env: undefined,
    default: DEFAULT_MODEL_MAP,
    schema: modelMapSchema,
    fromEnv: undefined,
    needsRestart: false,
  },
  connectTimeoutMs: {
    env: 'ORCHIDS_TRAY_CONNECT_TIMEOUT_MS',
    default: 10_000,
    schema: z.number().int().min(50).max(120_000),
    fromEnv: intFromEnv,
    needsRestart: false,
  },
  firstByteTimeoutMs: {
    env: 'ORCHIDS_TRAY_FIRST_BYTE_TIMEOUT_MS',
    default: 60_000,
    schema: z.number().int().min(50).max(600_000),
    fromEnv: intFromEnv,
    needsRestart: false,
  },
  idleTimeoutMs: {
    env: 'ORCHIDS_TRAY_IDLE_TIMEOUT_MS',
    default: 120_000,
    schema: z.number().int().min(50).max(1_800_000),
    fromEnv: intFromEnv,
    needsRestart: false,
  },
  logRetentionCount: {
    env: undefined,
    // A burst at a thousand requests a second fills 500 records in half a second; the size limit (200 MB, some
    // 40,000 short records) is the one that usually applies.
    default: 50_000,
    schema: z.number().int().min(1).max(100_000),
    fromEnv: undefined,
    needsRestart: false,
  },
  logRetentionMb: {
    env: undefined,
    default: 200,
    schema: z.number().int().min(1).max(100_000),
    fromEnv: undefined,
    needsRestart: false,
  },
  logRetentionDays: {
    env: undefined,
    default: 7,
    schema: z.number().int().min(1).max(3650),
    fromEnv: undefined,
    needsRestart: false,
  },
  historyRetentionDays: {
    env: undefined,
    default: 30,
    schema: z.number().int().min(1).max(3650),
    fromEnv: undefined,
    needsRestart: false,
  },
  launchAtLogin: {
    env: undefined,
    default: false,
    schema: z.boolean(),
    fromEnv: undefined,
    needsRestart: false,
  },
  upstreamProtocol: {
    env: 'ORCHIDS_TRAY_UPSTREAM_PROTOCOL',
    default: 'auto' as ProtocolSetting,
    // auto: per account, ws then sse-b then sse-a, remembering the first that answers (upstream/protocol-choice.ts).
    schema: z.enum(PROTOCOL_SETTINGS),
    fromEnv: (raw: string) => raw.trim().toLowerCase(),
    needsRestart: false,
  },
  upstreamHttp2: {
    env: 'ORCHIDS_TRAY_UPSTREAM_HTTP2',
    // Offer HTTP/2 by ALPN to https upstreams (WebSockets always use HTTP/1.1). Off: HTTP/1.1 only, one connection
    // per concurrent request, which costs less CPU per short request than undici's h2 client (README, HTTP/2).
    default: true,
    schema: z.boolean(),
    fromEnv: boolFromEnv,
    needsRestart: false,
  },
  creditsSync: {
    env: 'ORCHIDS_TRAY_CREDITS_SYNC',
    // Reads each enabled account's plan and credits from the credits site (orchids.app unless ORCHIDS_SITE_URL names
    // another) every 15 minutes (credits/credits-sync.ts).
    // Off, nothing is sent to the site at all, and the figures stay as last read.
    default: true,
    schema: z.boolean(),
    fromEnv: boolFromEnv,
    needsRestart: false,
  },
  thinkingMode: {
    env: undefined,
    // Generation B's config.thinkingMode. auto follows the request's `thinking` (absent: enabled, as the original
    // always sent); enabled/disabled force it for every request.
    default: 'auto' as 'auto' | 'enabled' | 'disabled',
    schema: z.enum(['auto', 'enabled', 'disabled']),
    fromEnv: undefined,
    needsRestart: false,
  },
  wsPoolSize: {
    env: undefined,
    // Idle WebSockets kept per account. Parallel requests never wait for one: a request without an idle socket dials
    // its own, and at most this many stay open afterwards.
    // 16: a coding tool's parallel requests (subagents, tool fan-out) on one account stay on warm sockets.
    default: 16,
    schema: z.number().int().min(1).max(64),
    fromEnv: undefined,
    needsRestart: false,
  },
  requestBodyBudgetMb: {
    env: 'ORCHIDS_TRAY_BODY_BUDGET_MB',
    // Request bodies in flight across all requests, held from their first byte until their answer ends. A body
    // costs a few times its size while it is served, so 256 MB keeps a burst of 32 MB uploads near 1 GB of memory
    // while leaving room for hundreds of ordinary requests; past it, requests get a 529 with retry-after.
    default: 256,
    schema: z.number().int().min(16).max(65_536),
    fromEnv: intFromEnv,
    needsRestart: false,
  },
  allowedHosts: {
    env: 'ORCHIDS_TRAY_ALLOWED_HOSTS',
    // Remote mode only: the host names clients use in their URLs (`mybox.lan`), besides the machine's addresses.
    default: [] as string[],
    schema: z
      .array(
        z
          .string()
          // Read after the entry: `"mybox.lan:8080" is not a host name without a port, such as mybox.lan`.
          .regex(/^[a-z0-9.-]+$/i, 'a host name without a port, such as mybox.lan')
          .max(253),
      )
      .max(50),
    fromEnv: commaList,
    needsRestart: false,
  },
  allowedOrigins: {
    env: 'ORCHIDS_TRAY_ALLOWED_ORIGINS',
    default: [] as string[],
    schema: z.array(z.string().url().max(512)).max(50),
    fromEnv: commaList,
    needsRestart: false,
  },
} as const;

export type SettingKey = keyof typeof SETTING_DEFINITIONS;
export type Settings = { [K in SettingKey]: z.infer<(typeof SETTING_DEFINITIONS)[K]['schema']> };
export const SETTING_KEYS = Object.keys(SETTING_DEFINITIONS) as SettingKey[];
/** Settings that are secrets: sealed at rest and never shown in logs. */
export const SECRET_SETTINGS: ReadonlySet<SettingKey> = new Set<SettingKey>(['apiKey']);
