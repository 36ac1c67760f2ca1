/**
 * The Responses API's `namespace` tools (Codex CLI declares its sub-agent tools as `multi_agent_v1` and each MCP
 * server's tools as `mcp__<server>`): the upstream knows only flat tool names, so each tool in a namespace is offered
 * under one name joining the two, and a call to that name is written back as the tool's own name and its namespace.
 */
import { digest24 } from '../util/ids';
import { OpenAIRequestError } from './errors';

/** A tool inside a namespace, as the client named it. */
export interface NamespacedName {
  namespace: string;
  name: string;
}

/**
 * `<namespace>__<tool>`: within the upstream's name rules (letters, digits, `_`, `-`), and the form Claude Code gives
 * MCP tools (`mcp__server__tool`), which Codex's MCP namespaces (`mcp__server`) then match exactly. No separator the
 * rules allow is out of a top-level name's reach, so a clash is settled when the names are handed out (below).
 */
const JOIN = '__';
const MAX_NAME = 64;
const DIGEST = 10;

/**
 * The name a namespaced tool goes upstream under when nothing else holds it. One longer than the upstream's 64 keeps
 * its first 53 characters and ends in `_` and 10 characters of a digest of the namespace and the tool, rather than
 * being refused: the client chose neither name's length, the model picks the tool by its description (which names
 * both in full), and the call is written back from the map, not from this name, so only its being unique matters.
 */
export function joinName(namespace: string, name: string): string {
  const joined = namespace + JOIN + name;
  return joined.length <= MAX_NAME ? joined : digested(namespace, name);
}

function digested(namespace: string, name: string): string {
  const joined = namespace + JOIN + name;
  // A NUL is in neither name (both are held to the name pattern), so distinct pairs digest distinct keys.
  return `${joined.slice(0, MAX_NAME - DIGEST - 1)}_${digest24(`${namespace}\0${name}`).slice(0, DIGEST)}`;
}

/** The upstream names handed to one request's namespaced tools, and the way back from each. */
export class NamespaceNames {
  private readonly byUpstream = new Map<string, NamespacedName>();
  private readonly byPair = new Map<string, string>();

  /** `taken`: the request's top-level tool names, which keep their own names whatever a join would give. */
  constructor(private readonly taken: ReadonlySet<string>) {}

  /**
   * The upstream name for a tool in a namespace: the same for the same pair, its joined name when that is free,
   * else the digested form. A top-level `a__b` beside tool `b` of namespace `a` thus keeps its name and the
   * namespaced one is digested; only a client that also declares that digested name gets a 400.
   */
  assign(namespace: string, name: string, param: string): string {
    const pair = `${namespace}\0${name}`;
    const known = this.byPair.get(pair);
    if (known !== undefined) return known;
    let upstream = joinName(namespace, name);
    if (this.isTaken(upstream)) upstream = digested(namespace, name);
    if (this.isTaken(upstream)) {
      throw new OpenAIRequestError(
        `Invalid '${param}': tool '${name}' of namespace '${namespace}' cannot be named apart from the tool ` +
          `'${upstream}'; rename one of them.`,
        param,
        'invalid_value',
      );
    }
    this.byPair.set(pair, upstream);
    this.byUpstream.set(upstream, { namespace, name });
    return upstream;
  }

  /** The upstream name of a declared namespaced tool, or undefined when the request declares no such tool. */
  find(namespace: string, name: string): string | undefined {
    return this.byPair.get(`${namespace}\0${name}`);
  }

  /**
   * A replayed call's upstream name: the declared tool's, or for one no longer declared (older history) the plain
   * join, which is what it was offered under unless it clashed then.
   */
  upstreamName(namespace: string, name: string): string {
    return this.find(namespace, name) ?? joinName(namespace, name);
  }

  /** The namespace and own name behind an upstream tool name; undefined for a top-level tool. */
  split(upstream: string): NamespacedName | undefined {
    return this.byUpstream.get(upstream);
  }

  private isTaken(upstream: string): boolean {
    return this.taken.has(upstream) || this.byUpstream.has(upstream);
  }
}
