import { BROWSER_USER_AGENT, CreditsError, siteRequest, type SiteHttp } from './site-http';

/**
 * The server actions that answer with the signed-in user's profile and credits, most specific first (protocol
 * page 4.1). The site's build renames the action ids on every deploy; the export names stay.
 */
export const CREDITS_ACTION_NAMES = ['getUserProfile', 'getUserCredits', 'getCredits', 'getUserUsage', 'getUsage'];

/** How long a discovered id is trusted before the site is read again (a stale id is also noticed on use). */
export const ACTION_ID_TTL_MS = 6 * 60 * 60_000;

const MAX_PAGE_BYTES = 2 * 1024 * 1024;
const MAX_CHUNK_BYTES = 4 * 1024 * 1024;
/** A page links a few dozen chunks; more than this is not the page the client expects. */
const MAX_CHUNKS = 80;

const SCRIPT_SRC = /<script\b[^>]*?\bsrc\s*=\s*["']([^"'<>]+?\.js(?:\?[^"'<>]*)?)["']/gi;
// Next.js compiles `'use server'` imports to `(0,x.createServerReference)("<id>",x.callServer,void 0,…,"<name>")`.
const SERVER_REFERENCE = /createServerReference\)\(\s*"([0-9a-f]{40,})"[^"]{0,400}?"([A-Za-z_$][\w$]{0,63})"\s*\)/g;

// The same browser as the action call itself (site-http.ts): Orchids' client read the page and chunks with it too.
const PAGE_HEADERS = {
  accept: 'text/html,application/xhtml+xml',
  'user-agent': BROWSER_USER_AGENT,
};

export interface ActionDiscoveryOptions {
  siteUrl: string;
  http: SiteHttp;
  now?: () => number;
  ttlMs?: number;
}

/**
 * Finds the credits action's id by reading the site's home page and the Next.js chunks it links, and keeps it for
 * six hours. Concurrent callers share one discovery. Only chunks on the site's own origin are fetched.
 */
export class ActionDiscovery {
  private cached: { id: string; until: number } | undefined;
  private inflight: Promise<string> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ActionDiscoveryOptions) {
    this.now = options.now ?? Date.now;
  }

  actionId(): Promise<string> {
    if (this.cached && this.now() < this.cached.until) return Promise.resolve(this.cached.id);
    this.inflight ??= this.discover().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** The site said the id is unknown (a new deploy): the next call discovers again. */
  forget(id: string): void {
    if (this.cached?.id === id) this.cached = undefined;
  }

  private async discover(): Promise<string> {
    const site = new URL(this.options.siteUrl + '/');
    const page = await siteRequest(this.options.http, site.href, {
      method: 'GET',
      headers: PAGE_HEADERS,
      maxBytes: MAX_PAGE_BYTES,
    });
    if (page.status !== 200) throw new CreditsError(`the site's home page answered HTTP ${page.status}`);
    const chunks = chunkUrls(page.text, site);
    if (chunks.length === 0) throw new CreditsError("the site's home page links no Next.js chunks");
    let best: { id: string; rank: number } | undefined;
    for (const chunk of chunks) {
      const script = await siteRequest(this.options.http, chunk, {
        method: 'GET',
        headers: { ...PAGE_HEADERS, accept: '*/*' },
        maxBytes: MAX_CHUNK_BYTES,
      });
      if (script.status !== 200) continue;
      const found = bestReference(script.text);
      if (found && (!best || found.rank < best.rank)) best = found;
      if (best?.rank === 0) break;
    }
    if (!best) throw new CreditsError(`no chunk of the site registers ${CREDITS_ACTION_NAMES.join(' or ')}`);
    this.cached = { id: best.id, until: this.now() + (this.options.ttlMs ?? ACTION_ID_TTL_MS) };
    return best.id;
  }
}

/** The page's `/_next/static/chunks/…js` scripts on the site's own origin, each once, in page order. */
export function chunkUrls(html: string, site: URL): string[] {
  const urls = new Set<string>();
  for (const match of html.matchAll(SCRIPT_SRC)) {
    let url: URL;
    try {
      url = new URL(match[1]!.replace(/&amp;/g, '&'), site);
    } catch {
      continue;
    }
    if (url.origin !== site.origin || !url.pathname.includes('/_next/static/chunks/')) continue;
    urls.add(url.href);
    if (urls.size >= MAX_CHUNKS) break;
  }
  return [...urls];
}

/** The registration whose export name ranks highest in CREDITS_ACTION_NAMES, with that rank (0 is best). */
export function bestReference(script: string): { id: string; rank: number } | undefined {
  let best: { id: string; rank: number } | undefined;
  for (const match of script.matchAll(SERVER_REFERENCE)) {
    const rank = CREDITS_ACTION_NAMES.indexOf(match[2]!);
    if (rank >= 0 && (!best || rank < best.rank)) best = { id: match[1]!, rank };
  }
  return best;
}
