import type { AccountStatus } from '../../../contract/views';
import type { UpstreamProtocol } from '../upstream/protocol';

export type { AccountStatus };

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
