/**
 * The input schema of every channel, checked in main before any handler runs (over IPC, over HTTP, and for the
 * CLI's calls against its own database). Messages are written for people: the CLI prints them as they are.
 */
import { z } from 'zod';
import type { Channel } from './channels';

const id = z.number().int().positive();
const WEIGHT = 'Weight must be a whole number from 1 to 100.';
const NAME = 'Name must be 1 to 100 characters.';
const MODEL = 'Model must be a model id of 1 to 200 characters, such as claude-sonnet-4-6.';
const name = z.string().trim().min(1, { error: NAME }).max(100, { error: NAME });
const weight = z.number({ error: WEIGHT }).int({ error: WEIGHT }).min(1, { error: WEIGHT }).max(100, { error: WEIGHT });
const settingKey = z.string().min(1).max(64);

export const INVOKE = {
  'accounts:list': z.undefined(),
  'accounts:add': z.object({
    cookie: z.string().min(1).max(200_000),
    name: name.optional(),
    weight: weight.optional(),
  }),
  'accounts:update': z.object({
    id,
    name: name.optional(),
    weight: weight.optional(),
    enabled: z.boolean().optional(),
  }),
  'accounts:remove': z.object({ id }),
  'accounts:reset': z.object({ id }),
  'accounts:import': z.object({ json: z.string().min(2).max(10_000_000) }),
  'accounts:export': z.undefined(),
  // Desktop only: each opens an Orchids sign-in window and resolves when it closes.
  'accounts:signIn': z.object({ name: name.optional(), weight: weight.optional() }),
  'accounts:refreshSignIn': z.object({ id }),
  'accounts:checkCredits': z.object({ id: id.optional() }),
  // One short real request per protocol tried: `protocol` tests only that one; `all` tries every protocol even after
  // one answered (each costs the account a little of its credits).
  'accounts:test': z.object({
    id,
    protocol: z.enum(['ws', 'sse-b', 'sse-a'], { error: 'Protocol must be ws, sse-b or sse-a.' }).optional(),
    all: z.boolean().optional(),
    model: z.string().trim().min(1, { error: MODEL }).max(200, { error: MODEL }).optional(),
  }),
  'settings:get': z.undefined(),
  'settings:set': z.object({ key: settingKey, value: z.unknown() }),
  'settings:reset': z.object({ key: settingKey }),
  'settings:generateApiKey': z.undefined(),
  'settings:rotateInstallToken': z.undefined(),
  'stats:get': z.undefined(),
  'history:query': z.object({
    limit: z.number().int().min(1).max(1000).optional(),
    beforeId: z.number().int().positive().optional(),
    accountId: id.optional(),
    outcome: z.enum(['ok', 'error']).optional(),
    model: z.string().max(200).optional(),
  }),
  'history:record': z.object({ requestId: z.string().regex(/^req_[A-Za-z0-9]{1,64}$/) }),
  'proxy:status': z.undefined(),
  'proxy:health': z.undefined(),
  'proxy:pause': z.undefined(),
  'proxy:resume': z.undefined(),
  'proxy:dismissDamagedDatabase': z.undefined(),
  // A channel without a schema, or a schema without a channel, fails to compile here.
} as const satisfies Record<Channel, z.ZodType>;

export type Input<C extends Channel> = z.input<(typeof INVOKE)[C]>;
export type ParsedInput<C extends Channel> = z.output<(typeof INVOKE)[C]>;
