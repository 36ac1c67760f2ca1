/**
 * Reads an account's plan and remaining credits out of the site's server-action reply (protocol page 4.1): React
 * Server Components lines such as `1:{"plan":"PRO","credits":96571,…}`. The reply comes from the network and is
 * treated as untrusted: capped in size, parsed line by line with bounded walks, and anything odd reads as "no
 * figure" rather than an exception.
 */

/** Each plan's monthly credits, as Orchids' own client showed them. */
export const PLAN_MONTHLY_CREDITS: Readonly<Record<string, number>> = {
  FREE: 150_000,
  PRO: 2_000_000,
  PREMIUM: 4_000_000,
  ULTRA: 12_000_000,
  MAX: 30_000_000,
};

export interface CreditsFigure {
  /** Upper case as the site names it ('FREE' when the reply names none). */
  plan: string;
  /** Credits left this month. */
  credits: number;
  /** The plan's monthly credits; an unknown plan counts as FREE. */
  monthlyLimit: number;
}

/** A profile reply is a few kilobytes; anything far past that is not one. */
export const MAX_REPLY_CHARS = 512 * 1024;
/** Bounds how much of a parsed line is searched, so a deep or wide value cannot make the walk expensive. */
const MAX_VISITED_VALUES = 5_000;
const MAX_DEPTH = 32;
/** Plan names are short words; a longer or stranger value is not shown as one. */
const PLAN_PATTERN = /^[A-Za-z][A-Za-z0-9_ -]{0,31}$/;

export function planMonthlyCredits(plan: string): number {
  return PLAN_MONTHLY_CREDITS[plan] ?? PLAN_MONTHLY_CREDITS.FREE!;
}

/** The first credits object in the reply, or undefined when there is none (or the reply is not one). */
export function parseCreditsReply(text: string): CreditsFigure | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_REPLY_CHARS) return undefined;
  for (const line of text.split('\n')) {
    const value = parseRscLine(line);
    if (value === undefined) continue;
    const found = findCreditsObject(value);
    if (found) return found;
  }
  return scanAroundCreditsKey(text);
}

/** `<hex id>:<JSON>`; other row kinds (`I[…]`, `HL[…]`, text rows) are not JSON and read as nothing. */
function parseRscLine(line: string): unknown {
  const colon = line.indexOf(':');
  if (colon <= 0 || colon > 8 || !/^[0-9a-f]+$/i.test(line.slice(0, colon))) return undefined;
  const rest = line.slice(colon + 1).trim();
  if (!rest.startsWith('{') && !rest.startsWith('[')) return undefined;
  if (!rest.includes('"credits"')) return undefined;
  try {
    return JSON.parse(rest) as unknown;
  } catch {
    return undefined;
  }
}

function findCreditsObject(root: unknown): CreditsFigure | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  let visited = 0;
  while (stack.length > 0 && visited < MAX_VISITED_VALUES) {
    const { value, depth } = stack.pop()!;
    visited += 1;
    if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) continue;
    if (!Array.isArray(value)) {
      const figure = figureFrom(value as Record<string, unknown>);
      if (figure) return figure;
    }
    const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
    // Reversed so the walk meets children in document order: the first credits object wins, as on the site.
    for (let i = children.length - 1; i >= 0; i--) stack.push({ value: children[i], depth: depth + 1 });
  }
  return undefined;
}

/**
 * Protocol 4.1's validity rule: credits above zero, or zero with a plan or a free-credits redeem date (a zero on
 * its own is as likely a placeholder as an empty account).
 */
function figureFrom(object: Record<string, unknown>): CreditsFigure | undefined {
  const credits = object.credits;
  if (typeof credits !== 'number' || !Number.isFinite(credits) || credits < 0 || credits > Number.MAX_SAFE_INTEGER)
    return undefined;
  const rawPlan = typeof object.plan === 'string' ? object.plan.trim() : '';
  const plan = PLAN_PATTERN.test(rawPlan) ? rawPlan.toUpperCase() : '';
  const redeemed = typeof object.lastFreeCreditsRedeem === 'string' && object.lastFreeCreditsRedeem !== '';
  if (credits === 0 && !plan && !redeemed) return undefined;
  const named = plan || 'FREE';
  return { plan: named, credits: Math.floor(credits), monthlyLimit: planMonthlyCredits(named) };
}

/**
 * The last resort for a reply that is not line-shaped (a row split oddly, a wrapper the lines miss): the smallest
 * balanced `{…}` around each `"credits"` key, parsed on its own. Bounded: a few keys, each object capped in size.
 */
function scanAroundCreditsKey(text: string): CreditsFigure | undefined {
  const MAX_KEYS = 8;
  const MAX_OBJECT_CHARS = 16 * 1024;
  let from = 0;
  for (let tries = 0; tries < MAX_KEYS; tries++) {
    const key = text.indexOf('"credits"', from);
    if (key < 0) return undefined;
    from = key + 9;
    const open = enclosingBrace(text, key, MAX_OBJECT_CHARS);
    if (open < 0) continue;
    const close = matchingBrace(text, open, MAX_OBJECT_CHARS);
    if (close < 0) continue;
    try {
      const value = JSON.parse(text.slice(open, close + 1)) as unknown;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const figure = figureFrom(value as Record<string, unknown>);
        if (figure) return figure;
      }
    } catch {
      // not an object after all: try the next key
    }
  }
  return undefined;
}

/**
 * Index of the `{` that opens the object holding position `at`, stepping over nested objects that close before
 * it; -1 past `limit` characters. Braces inside strings can mislead it: the parse that follows catches that.
 */
function enclosingBrace(text: string, at: number, limit: number): number {
  let depth = 0;
  const stop = Math.max(0, at - limit);
  for (let i = at - 1; i >= stop; i--) {
    const c = text.charCodeAt(i);
    if (c === 0x7d) depth += 1;
    else if (c === 0x7b && depth-- === 0) return i;
  }
  return -1;
}

/** Index of the `}` closing the `{` at `open`, skipping braces inside strings; -1 past `limit` characters. */
function matchingBrace(text: string, open: number, limit: number): number {
  let depth = 0;
  let inString = false;
  const end = Math.min(text.length, open + limit);
  for (let i = open; i < end; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) depth += 1;
    else if (c === 0x7d && --depth === 0) return i;
  }
  return -1;
}
