/**
 * The simulated marketing site (www.orchids.app) as far as credits need it (protocol page 4.1, gen-b 3.6): a home
 * page linking Next.js chunks, one chunk registering the profile server action, and `POST /` answering that action
 * with an RSC reply for the user whose session JWT comes in the `__session` cookie. The home page names its Vercel
 * deployment id (`dpl_…`) and answers an RSC prefetch (`RSC: 1`) with its router state tree; a site set to need
 * them answers the action only when both come with it.
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { SimAuthority } from './clerk';
import { readBody, sendText } from './http-util';
import type { SimStats } from './stats';

export interface SimCredits {
  plan: string;
  credits: number;
}

/** What the site saw of one action call: enough to check what the client sends, nothing secret kept. */
export interface SiteActionCall {
  actionId: string;
  /** The JSON body as sent (`["user_…"]`). */
  body: string;
  /** Whose session the `__session` cookie carried ('' when none the simulator issued). */
  sessionUser: string;
  accept: string;
  contentType: string;
  origin: string;
  /** The `Next-Router-State-Tree` and `x-deployment-id` headers as sent ('' when absent). */
  routerStateTree: string;
  deploymentId: string;
  /** How the call was answered. */
  outcome: 'ok' | 'not-found' | 'no-session' | 'scripted' | 'needs-router-state' | 'refused';
}

const DEFAULT_CREDITS: SimCredits = { plan: 'FREE', credits: 150_000 };
const MAX_RECORDED = 1_000;
const CHUNKS = '/_next/static/chunks/';

const newActionId = (): string => randomBytes(21).toString('hex');

/**
 * The root's router state tree, as a Next.js app router names it: `[segment, parallelRoutes, url, refresh,
 * isRootLayout]`. Version 1 is the constant tree Orchids' first client sent; later versions put the page under a
 * route group, as a site's restructuring would.
 */
function routerTree(version: number): unknown[] {
  const page = ['__PAGE__', {}, null, null];
  let children: unknown[] = page;
  for (let i = 1; i < version; i++) children = [`(group-${i})`, { children }, null, null];
  return ['', { children }, null, null, true];
}

export class SimSite {
  readonly calls: SiteActionCall[] = [];
  /** The credits action's current id; a redeploy replaces it, so the old id is "not found" from then on. */
  actionId = newActionId();
  /** Answers for the next action calls, verbatim (garbage, odd shapes), before the normal answer resumes. */
  private readonly scripted: Array<{ status: number; body: string }> = [];
  private readonly credits = new Map<string, SimCredits>();
  private build = 1;
  private treeVersion = 1;
  /** Whether the action answers only calls that carry the current router state tree and deployment id. */
  private needsRouterState = false;
  /** How long each action call waits before it is answered (a slow site, so a window's "Reading…" can be seen). */
  actionDelayMs = 0;

  constructor(
    private readonly authority: SimAuthority,
    private readonly stats: SimStats,
  ) {}

  setCredits(userId: string, credits: SimCredits): void {
    this.credits.set(userId, { ...credits });
  }

  creditsOf(userId: string): SimCredits {
    return this.credits.get(userId) ?? DEFAULT_CREDITS;
  }

  /** A new deployment: new chunk names and a new action id, as each real deploy brings. */
  redeploy(): void {
    this.build += 1;
    this.actionId = newActionId();
  }

  /** Vercel's id of the current deployment, as the home page names it; each redeploy brings a new one. */
  get deploymentId(): string {
    return `dpl_sim${this.build}`;
  }

  /** The root's router state tree as the RSC prefetch gives it, JSON-encoded as the header carries it. */
  get routerStateTree(): string {
    return JSON.stringify(routerTree(this.treeVersion));
  }

  /**
   * On, the action answers a call without the current router state tree and deployment id as a Next.js deployment
   * that wants them does: HTTP 500 with an error digest (what Orchids' client saw, protocol page 4.1).
   */
  requireRouterState(on: boolean): void {
    this.needsRouterState = on;
  }

  /** The site's routes are restructured: the router state tree changes, the action id and deployment do not. */
  changeRouterTree(): void {
    this.treeVersion += 1;
  }

  /** The next action call gets this answer instead of the real one. */
  scriptReply(body: string, status = 200): void {
    this.scripted.push({ status, body });
  }

  readonly handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const body = await readBody(req);
    if (req.method === 'GET' && path === '/' && req.headers.rsc === '1') {
      this.stats.sitePrefetches++;
      return sendText(res, 200, this.prefetch(), { 'content-type': 'text/x-component', vary: 'RSC' });
    }
    if (req.method === 'GET' && path === '/') {
      this.stats.sitePages++;
      return sendText(res, 200, this.homePage(), { 'content-type': 'text/html; charset=utf-8' });
    }
    if (req.method === 'GET' && path.startsWith(CHUNKS)) {
      this.stats.siteChunks++;
      const chunk = this.chunk(path.slice(CHUNKS.length));
      if (chunk === undefined) return sendText(res, 404, 'Not Found');
      return sendText(res, 200, chunk, { 'content-type': 'application/javascript; charset=utf-8' });
    }
    if (req.method === 'POST' && path === '/' && typeof req.headers['next-action'] === 'string') {
      if (this.actionDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.actionDelayMs));
      this.stats.siteActions++;
      return this.action(req, res, body);
    }
    this.stats.siteOtherRequests++;
    return sendText(res, 404, 'Not Found');
  };

  private homePage(): string {
    // An inline script, another origin's script and a non-chunk script sit beside the chunks, as on the real page.
    return [
      '<!DOCTYPE html><html><head><title>Orchids (simulated)</title>',
      `<script src="${CHUNKS}webpack-b${this.build}.js" async=""></script>`,
      '<script src="https://cdn.example.test/analytics.js"></script>',
      '<script>self.__next_f=self.__next_f||[]</script>',
      '</head><body><main>Simulated marketing page</main>',
      `<script src="${CHUNKS}main-app-b${this.build}.js" async=""></script>`,
      `<script src="${CHUNKS}app/page-b${this.build}.js?dpl=${this.deploymentId}" async=""></script>`,
      '</body></html>',
    ].join('\n');
  }

  /**
   * The RSC prefetch of `/` as Next.js 15 answers one sent without a tree (protocol page 4.1): the root model, row 0,
   * is `{b, f, S}` with the router state tree at `f[0][0]` (the root's FlightDataPath, its '' segment sliced off), and
   * React 19 writes client-reference rows before it, so it is not the first line.
   */
  private prefetch(): string {
    const flight = [[routerTree(this.treeVersion), null, [null, null], true]];
    return `1:I[7151,[],"default"]\n0:${JSON.stringify({ b: `sim-build-${this.build}`, f: flight, S: false })}\n`;
  }

  private chunk(name: string): string | undefined {
    const reference = (id: string, exportName: string): string =>
      `(0,n.createServerReference)("${id}",n.callServer,void 0,n.findSourceMapURL,"${exportName}")`;
    if (name === `webpack-b${this.build}.js`) return '(()=>{"use strict";var e={};self.webpackChunk_N_E=[]})();';
    // A lower-ranked action of the same list comes first, so a client must prefer by name, not by order.
    if (name === `main-app-b${this.build}.js`) {
      const usage = reference('0'.repeat(40) + 'aa', 'getUsage');
      return `"use strict";let a=${usage},b=${reference('f'.repeat(42), 'listProjects')};`;
    }
    if (name === `app/page-b${this.build}.js`) {
      const profile = reference(this.actionId, 'getUserProfile');
      return `(self.webpackChunk_N_E=self.webpackChunk_N_E||[]).push([[974],{1:(e,t,n)=>{let r=${profile};}}]);`;
    }
    return undefined;
  }

  private action(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const actionId = req.headers['next-action'] as string;
    const session = /(?:^|;\s*)__session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const check = this.authority.checkToken(session);
    const sessionUser = check.ok ? check.userId : '';
    const record = (outcome: SiteActionCall['outcome']): void => {
      this.calls.push({
        actionId,
        body,
        sessionUser,
        accept: req.headers.accept ?? '',
        contentType: req.headers['content-type'] ?? '',
        origin: req.headers.origin ?? '',
        routerStateTree: header(req, 'next-router-state-tree'),
        deploymentId: header(req, 'x-deployment-id'),
        outcome,
      });
      if (this.calls.length > MAX_RECORDED) this.calls.shift();
    };
    // What Next.js checks before it looks the action up: an Origin naming another host is a cross-site call, and a
    // body that is not text/plain (a form, multipart) is decoded as a form action, not as the page's `["user_…"]`.
    const origin = req.headers.origin;
    const contentType = req.headers['content-type'] ?? '';
    if ((origin !== undefined && hostOf(origin) !== req.headers.host) || !/^text\/plain\b/i.test(contentType)) {
      record('refused');
      return sendText(res, 500, 'Invalid Server Actions request.', { 'content-type': 'text/plain' });
    }
    if (actionId !== this.actionId) {
      record('not-found');
      return sendText(res, 404, 'Server action not found.', { 'x-nextjs-action-not-found': '1' });
    }
    const scripted = this.scripted.shift();
    if (scripted) {
      record('scripted');
      return sendText(res, scripted.status, scripted.body, { 'content-type': 'text/x-component' });
    }
    const head = `0:{"a":"$@1","f":"","b":"sim-build-${this.build}"}\n`;
    if (
      this.needsRouterState &&
      (header(req, 'next-router-state-tree') !== this.routerStateTree ||
        header(req, 'x-deployment-id') !== this.deploymentId)
    ) {
      record('needs-router-state');
      return sendText(res, 500, `${head}1:E{"digest":"2110345482"}\n`, { 'content-type': 'text/x-component' });
    }
    // Next.js runs the action for any caller; without a session the profile action finds no user.
    if (!check.ok || body !== JSON.stringify([check.userId])) {
      record('no-session');
      return sendText(res, 200, `${head}1:null\n`, { 'content-type': 'text/x-component' });
    }
    record('ok');
    const user = this.authority.user(check.userId);
    const { plan, credits } = this.creditsOf(check.userId);
    const profile = {
      id: 7_151_762,
      userId: check.userId,
      email: user?.email ?? '',
      plan,
      credits,
      lastFreeCreditsRedeem: null,
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    sendText(res, 200, `${head}1:${JSON.stringify(profile)}\n`, { 'content-type': 'text/x-component' });
  }
}

function header(req: http.IncomingMessage, name: string): string {
  const value = req.headers[name];
  return typeof value === 'string' ? value : '';
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
