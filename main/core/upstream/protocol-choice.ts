import { UPSTREAM_PROTOCOLS, isUpstreamProtocol, type ProtocolSetting, type UpstreamProtocol } from './protocol';

/** What an account remembers about the protocol that last served it. */
export interface ProtocolMemory {
  id: number;
  protocol: string;
  protocolCheckedAt: number | null;
}

export interface ProtocolStep {
  protocol: UpstreamProtocol;
  /**
   * This account is known to speak it (remembered, or pinned by the setting). An unconfirmed protocol is being
   * probed: a 400 on it reads as "this endpoint does not take this body", not as "the request is wrong".
   */
  confirmed: boolean;
}

export interface ProtocolChoiceOptions {
  setting: () => ProtocolSetting;
  /** Records what worked (or '' to forget); the caller keeps it in memory now and in SQLite later. */
  remember: (accountId: number, protocol: UpstreamProtocol | '', at: number) => void;
  now?: () => number;
  /**
   * How long a remembered fallback (anything but the preferred `ws`) is trusted before the protocols ahead of it are
   * tried again. A few minutes: often enough to notice the service came back to WebSockets, rarely enough that the
   * failed probe (a fast 404 or refused connection) costs nothing a person would notice.
   */
  reprobeMs?: number;
}

export const DEFAULT_REPROBE_MS = 5 * 60_000;

/**
 * `auto` per account: try `ws`, then `sse-b`, then `sse-a`, and stay on the first that answers like an Orchids
 * agent. A pinned setting is a plan of one, trusted as confirmed.
 */
export class ProtocolChoice {
  private readonly now: () => number;
  private readonly reprobeMs: number;

  constructor(private readonly options: ProtocolChoiceOptions) {
    this.now = options.now ?? Date.now;
    this.reprobeMs = options.reprobeMs ?? DEFAULT_REPROBE_MS;
  }

  get setting(): ProtocolSetting {
    return this.options.setting();
  }

  plan(account: ProtocolMemory): ProtocolStep[] {
    const setting = this.options.setting();
    if (setting !== 'auto') return [{ protocol: setting, confirmed: true }];
    const remembered = isUpstreamProtocol(account.protocol) ? account.protocol : undefined;
    if (!remembered) return UPSTREAM_PROTOCOLS.map((protocol) => ({ protocol, confirmed: false }));
    if (!this.dueForReprobe(account, this.now())) {
      return [
        { protocol: remembered, confirmed: true },
        ...UPSTREAM_PROTOCOLS.filter((p) => p !== remembered).map((protocol) => ({ protocol, confirmed: false })),
      ];
    }
    // Time to look again at what is ahead of the remembered fallback; the fallback itself stays trusted.
    return UPSTREAM_PROTOCOLS.map((protocol) => ({ protocol, confirmed: protocol === remembered }));
  }

  /**
   * The protocol answered like an Orchids agent. Writes only when something changed or a re-probe ended: the
   * checked-at time only dates re-probes, so restamping it when none was due (a pinned setting, a remembered `ws`)
   * would be a SQLite write per account every few minutes for nothing.
   */
  answered(account: ProtocolMemory, protocol: UpstreamProtocol): void {
    const now = this.now();
    const reprobed = this.options.setting() === 'auto' && this.dueForReprobe(account, now);
    if (account.protocol !== protocol || reprobed) this.options.remember(account.id, protocol, now);
  }

  /** Whether `auto` looks again at the protocols ahead of the account's remembered fallback. */
  private dueForReprobe(account: ProtocolMemory, now: number): boolean {
    if (!isUpstreamProtocol(account.protocol) || account.protocol === UPSTREAM_PROTOCOLS[0]) return false;
    return account.protocolCheckedAt === null || now - account.protocolCheckedAt >= this.reprobeMs;
  }

  /** A remembered protocol said "not here any more": forget it so the next request probes from the start. */
  refused(account: ProtocolMemory, protocol: UpstreamProtocol): void {
    if (account.protocol === protocol) this.options.remember(account.id, '', this.now());
  }
}
