import { BROWSER_USER_AGENT, CreditsError, siteRequest, type SiteHttp } from './site-http';

/**
 * What a Next.js page sends beside a server action when it wants the action run against its own route and
 * deployment: the router state tree (JSON, as `Next-Router-State-Tree`) and Vercel's deployment id
 * (`x-deployment-id`), when the page names one.
 */
export interface RouterState {
  tree: string;
  deploymentId?: string;
  /** When it was read (ms since epoch). */
  readAt: number;
}

/**
 * How long a state read from the site is trusted without a failure to doubt it: the action id's own lifetime
 * (action-discovery.ts), since both change with each deploy. A call that fails with it refreshes it sooner.
 */
export const ROUTER_STATE_TTL_MS = 6 * 60 * 60_000;
/**
 * A state this young is as fresh as the site can give: a call that fails with it is not failing for a stale tree,
 * so it is not read again. Keeps a site that is down for every account from being read once per account.
 */
export const ROUTER_STATE_MIN_AGE_MS = 60_000;

const MAX_PREFETCH_BYTES = 512 * 1024;
const MAX_PAGE_BYTES = 2 * 1024 * 1024;
/** A header, not a document: the root's tree is a few hundred bytes. */
const MAX_TREE_CHARS = 8 * 1024;
/** Deeper than any real route: a bound, so a hostile reply cannot recurse without end. */
const MAX_TREE_DEPTH = 32;
const DEPLOYMENT_ID = /dpl_[A-Za-z0-9]+/;

export interface RouterStateSourceOptions {
  siteUrl: string;
  http: SiteHttp;
  now?: () => number;
  ttlMs?: number;
  minAgeMs?: number;
}

/**
 * The site's router state, read only once the credits action has failed without it (protocol page 4.1, "Router-state
 * retry"), then kept for the retries of later failures. Once a call with it has worked, the site is taken to want
 * it and it is sent from the first call on: it changes only with a deploy, so reading it per call (as Orchids' own
 * client did) would double the site calls for nothing. Concurrent callers share one read.
 */
export class RouterStateSource {
  private cached: RouterState | undefined;
  /** Whether a call with the cached state has worked after one without it failed. */
  private needed = false;
  private inflight: Promise<RouterState> | undefined;
  private readonly now: () => number;
  private readonly site: URL;

  constructor(private readonly options: RouterStateSourceOptions) {
    this.now = options.now ?? Date.now;
    this.site = new URL(options.siteUrl + '/');
  }

  /** The state to send with the first call: kept from an earlier read the site needed, if it has not aged out. */
  kept(): RouterState | undefined {
    return this.needed ? this.fresh() : undefined;
  }

  /** The cached state (needed or not yet), or one read from the site now. */
  get(): Promise<RouterState> {
    const fresh = this.fresh();
    if (fresh) return Promise.resolve(fresh);
    this.inflight ??= this.read().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** A call with `state` worked where one without it had failed: later calls carry it from the start. */
  worked(state: RouterState): void {
    if (this.cached === state) this.needed = true;
  }

  /**
   * A call with `state` failed: the next `get` reads the site again, unless `state` is no longer the cached one
   * (another call already replaced it) or was read moments ago (reading it again would give the same).
   */
  forget(state: RouterState): void {
    if (this.cached !== state) return;
    if (this.now() - state.readAt < (this.options.minAgeMs ?? ROUTER_STATE_MIN_AGE_MS)) return;
    this.cached = undefined;
    this.needed = false;
  }

  private fresh(): RouterState | undefined {
    if (this.cached && this.now() - this.cached.readAt < (this.options.ttlMs ?? ROUTER_STATE_TTL_MS))
      return this.cached;
    return undefined;
  }

  private async read(): Promise<RouterState> {
    const tree = await this.readTree();
    const deploymentId = await this.readDeploymentId();
    const state: RouterState = { tree, readAt: this.now(), ...(deploymentId ? { deploymentId } : {}) };
    // A new read is needed again only once a call with it works: a deploy may have dropped the need with the tree.
    this.cached = state;
    this.needed = false;
    return state;
  }

  /** The RSC prefetch of the root, as the site's router makes it; `treeOf` says where the tree sits. */
  private async readTree(): Promise<string> {
    const reply = await siteRequest(this.options.http, this.site.href, {
      method: 'GET',
      headers: {
        rsc: '1',
        'next-router-prefetch': '1',
        'user-agent': BROWSER_USER_AGENT,
        origin: this.site.origin,
        referer: this.site.href,
      },
      maxBytes: MAX_PREFETCH_BYTES,
    });
    if (reply.status !== 200) throw new CreditsError(`its router state prefetch answered HTTP ${reply.status}`);
    const tree = treeOf(reply.text);
    if (!tree) throw new CreditsError('its router state prefetch held no router tree');
    return tree;
  }

  /** Vercel's deployment id, as the home page names it; a page naming none is sent without one, as the site's was. */
  private async readDeploymentId(): Promise<string | undefined> {
    const page = await siteRequest(this.options.http, this.site.href, {
      method: 'GET',
      headers: { accept: 'text/html,application/xhtml+xml', 'user-agent': BROWSER_USER_AGENT },
      maxBytes: MAX_PAGE_BYTES,
    });
    if (page.status !== 200) throw new CreditsError(`its home page answered HTTP ${page.status}`);
    return DEPLOYMENT_ID.exec(page.text)?.[0];
  }
}

/**
 * The router tree in an RSC prefetch reply, JSON-encoded for the header, or undefined. Where Next.js puts it (read
 * from its published `dist/server/app-render`, 13.4.19, 14.2.35, 15.0.0 and 15.5.29): the root model is row `0`, and
 * React 19 (Next 15) flushes client-reference (`I`) and symbol rows before it, so it need not be the first line. Next
 * 13.4 and 14 make it `[buildId, flightData]`, Next 15 `{b, f: flightData, S}` (the first render's payload has the
 * same `f`). A prefetch of `/` sent without a tree renders from the root, whose FlightDataPath is `[segment, tree,
 * seedData, head, (isHeadPartial)]` with the root segment sliced off, so the tree is `flightData[0][0]`. Orchids' own
 * Go client read `f[0][0][0]`, one level deeper; that is accepted too. A tree is known by its shape, not its index:
 * anything else, or a tree no header can carry, reads as none.
 */
export function treeOf(reply: string): string | undefined {
  const row = rootRow(reply);
  const flightData = Array.isArray(row) ? at(row, 1) : (row as { f?: unknown } | null)?.f;
  const path = at(flightData, 0);
  const tree = [at(path, 0), at(at(path, 0), 0)].find((candidate) => isTree(candidate, 0));
  if (tree === undefined) return undefined;
  const json = JSON.stringify(tree);
  // Printable ASCII only: a header value cannot carry a line break, and undici refuses what it cannot send.
  if (json.length > MAX_TREE_CHARS || !/^[\x20-\x7e]+$/.test(json)) return undefined;
  return json;
}

/** The root model: the payload of the first line whose row id is 0. */
function rootRow(reply: string): unknown {
  const line = reply.split('\n').find((candidate) => candidate.startsWith('0:'));
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line.slice(2)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A FlightRouterState: `[segment, parallelRoutes, …]`, the segment a string (the root's is '') or a dynamic one's
 * `[param, value, type]`, and every parallel route's value a tree itself.
 */
function isTree(value: unknown, depth: number): boolean {
  if (!Array.isArray(value) || depth > MAX_TREE_DEPTH || !isSegment(value[0])) return false;
  const routes: unknown = value[1];
  if (routes === null || typeof routes !== 'object' || Array.isArray(routes)) return false;
  return Object.values(routes).every((child) => isTree(child, depth + 1));
}

function isSegment(value: unknown): boolean {
  if (typeof value === 'string') return true;
  if (!Array.isArray(value) || value.length !== 3) return false;
  const [param, paramValue, type] = value as unknown[];
  const valueOk =
    typeof paramValue === 'string' ||
    (Array.isArray(paramValue) && paramValue.every((part) => typeof part === 'string'));
  return typeof param === 'string' && valueOk && typeof type === 'string';
}

function at(value: unknown, index: number): unknown {
  return Array.isArray(value) ? value[index] : undefined;
}
