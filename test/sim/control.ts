/**
 * The JSON control API under `/__sim` on the Generation A port, for tests that run the simulator in another process
 * (main.ts, Playwright). Every route maps onto a public OrchidsSimulator method.
 */
import type http from 'node:http';
import { readBody, sendJson } from './http-util';
import type { OrchidsSimulator } from './orchids-simulator';
import type { AgentResponse } from './steps';

function isAgentResponse(value: unknown): value is AgentResponse {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v.steps) || typeof v.status === 'number';
}

const optionalBoolean = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

function route(sim: OrchidsSimulator, key: string, body: Record<string, unknown>): [number, unknown] | undefined {
  const ok: [number, unknown] = [200, { ok: true }];
  const userId = typeof body.userId === 'string' ? body.userId : undefined;
  switch (key) {
    case 'GET /urls':
      return [200, sim.urls()];
    case 'POST /users':
      return [200, sim.addUser(body)];
    case 'GET /users':
      return [200, sim.listUsers()];
    case 'GET /stats':
      return [200, sim.stats];
    case 'POST /reset-stats':
      sim.resetStats();
      return ok;
    case 'GET /requests':
      return [200, sim.requests];
    case 'GET /upgrades':
      return [200, sim.upgrades];
    case 'POST /enqueue':
      if (!isAgentResponse(body.response)) return [400, { error: 'response needs steps or status' }];
      sim.enqueue(body.response, userId);
      return ok;
    case 'POST /default-response': {
      // generation "b" sets the default of both Generation B protocols (ws and sse-b); anything else, Generation A's
      if (!isAgentResponse(body.response)) return [400, { error: 'response needs steps or status' }];
      if (body.generation === 'b') sim.setDefaultResponseB(body.response);
      else sim.setDefaultResponse(body.response);
      return ok;
    }
    case 'POST /sign-out':
      sim.signOut(userId ?? '');
      return ok;
    case 'POST /revoke-tokens':
      sim.revokeTokens(userId ?? '');
      return ok;
    case 'POST /clerk-failure':
      sim.setClerkFailure(typeof body.status === 'number' ? body.status : undefined);
      return ok;
    case 'POST /credits': {
      // {userId, plan, credits}: what the credits action answers for that user from now on
      if (!userId || typeof body.plan !== 'string' || typeof body.credits !== 'number')
        return [400, { error: 'credits needs userId, plan and credits' }];
      sim.setCredits(userId, { plan: body.plan, credits: body.credits });
      return ok;
    }
    case 'POST /site-redeploy':
      sim.redeploySite();
      return ok;
    case 'POST /site-reply':
      if (typeof body.body !== 'string') return [400, { error: 'site-reply needs body' }];
      sim.scriptSiteReply(body.body, typeof body.status === 'number' ? body.status : 200);
      return ok;
    case 'POST /site-router-state':
      // {required: true|false}: whether the credits action answers only calls with the router state headers
      if (typeof body.required !== 'boolean') return [400, { error: 'site-router-state needs required' }];
      sim.requireSiteRouterState(body.required);
      return ok;
    case 'POST /site-router-tree':
      sim.changeSiteRouterTree();
      return ok;
    case 'GET /site-router-state':
      return [200, sim.siteRouterState];
    case 'GET /site-calls':
      return [200, sim.siteCalls];
    case 'POST /recording':
      sim.setRecording(body.on !== false);
      return ok;
    case 'GET /protocols':
      return [200, sim.servedProtocols()];
    case 'POST /protocols': {
      const changes = {
        ws: optionalBoolean(body.ws),
        sseB: optionalBoolean(body.sseB),
        sseA: optionalBoolean(body.sseA),
      };
      return [200, sim.setProtocols(changes)];
    }
    case 'POST /refuse-upgrades': {
      // {status} refuses every upgrade from now on; no status (or null) accepts them again
      if (typeof body.status !== 'number') {
        sim.refuseUpgrades(undefined);
        return ok;
      }
      const headers =
        body.headers !== null && typeof body.headers === 'object'
          ? (body.headers as Record<string, string>)
          : undefined;
      sim.refuseUpgrades(body.status, typeof body.body === 'string' ? body.body : undefined, headers);
      return ok;
    }
    case 'POST /close-idle-ws':
      return [200, { closed: sim.closeIdleWsSockets(typeof body.code === 'number' ? body.code : undefined) }];
    default:
      return undefined;
  }
}

export async function serveControl(
  sim: OrchidsSimulator,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  path: string,
): Promise<void> {
  const raw = await readBody(req);
  let body: Record<string, unknown> = {};
  try {
    if (raw.trim() !== '') body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return sendJson(res, 400, { error: 'control body is not JSON' });
  }
  try {
    const answer = route(sim, `${req.method} ${path.slice('/__sim'.length)}`, body);
    if (answer === undefined) return sendJson(res, 404, { error: `simulator: no control route ${req.method} ${path}` });
    return sendJson(res, answer[0], answer[1]);
  } catch (error) {
    return sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
  }
}
