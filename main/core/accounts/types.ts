import type { UpstreamProtocol } from '../upstream/protocol';

/**
 * Why an account is or is not taking requests. `ready` serves; the others name the reason a person can act on.
 * `locked` means this mode cannot open the account's sealed cookie (see secrets/secret-box.ts).
 */
export const ACCOUNT_STATUSES = [
  'ready',
  'cooling_down',
  'quota_exhausted',
  'signed_out',
  'blocked',
  'failing',
  'locked',
] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** An account as stored. The cookie stays sealed until the moment a Clerk call needs it. */
export interface AccountRecord {
  id: number;
  name: string;
  email: string;
  userId: string;
  sessionId: string;
  sealedCookie: string;
  clientUat: string;
  projectId: string;
  weight: number;
  enabled: boolean;
  requestCount: number;
  lastUsedAt: number | null;
  status: AccountStatus;
  statusReason: string;
  statusUntil: number | null;
  failureStreak: number;
  /** The upstream protocol this account last answered on ('' until one has); see upstream/protocol-choice.ts. */
  protocol: UpstreamProtocol | '';
  protocolCheckedAt: number | null;
  /** The Orchids plan, credits left and the plan's monthly credits as last read (null until read once). */
  creditsPlan: string | null;
  creditsLeft: number | null;
  creditsLimit: number | null;
  creditsCheckedAt: number | null;
  createdAt: number;
  updatedAt: number;
}
