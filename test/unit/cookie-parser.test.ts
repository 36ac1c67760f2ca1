import { describe, expect, it } from 'vitest';
import { CookieParseError, parseCookieInput } from '../../main/core/accounts/cookie-parser';
import { resolvePastedCookies } from '../../main/core/accounts/pasted-cookies';
import type { ClerkClient } from '../../main/core/clerk/clerk-client';
import type { ClerkCookies } from '../../main/core/clerk/cookie-header';
import { fakeJwt } from '../sim/fake-jwt';

// Every value here is an obvious placeholder; fakeJwt signs with "sim-signature".
const CLIENT_JWT = fakeJwt({ id: 'client_XXXX', rotating_token: 'rotating_XXXX' });
const SESSION_JWT = fakeJwt({ sid: 'sess_XXXX', sub: 'user_XXXX', exp: 1_800_000_060 });
const BEARER_JWT = fakeJwt({ sub: 'user_XXXX', exp: 1_800_000_060 });
const OPAQUE = 'fake-opaque-client-token-XXXX';
const UAT = '1800000000';

function parseError(input: string): CookieParseError {
  try {
    parseCookieInput(input);
  } catch (error) {
    expect(error).toBeInstanceOf(CookieParseError);
    return error as CookieParseError;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('parseCookieInput: bare values', () => {
  it('a bare __client JWT (payload has rotating_token) is the client cookie', () => {
    expect(parseCookieInput(CLIENT_JWT)).toEqual({ client: CLIENT_JWT });
    expect(parseCookieInput(`  \n${CLIENT_JWT}\t `)).toEqual({ client: CLIENT_JWT });
  });

  it('strips a Bearer prefix, case-insensitively', () => {
    expect(parseCookieInput(`Bearer ${CLIENT_JWT}`)).toEqual({ client: CLIENT_JWT });
    expect(parseCookieInput(`bearer   ${CLIENT_JWT}`)).toEqual({ client: CLIENT_JWT });
  });

  it('JWT|comment uses the part before the pipe', () => {
    expect(parseCookieInput(`${CLIENT_JWT}|work account (fake)`)).toEqual({ client: CLIENT_JWT });
    expect(parseCookieInput(`Bearer ${CLIENT_JWT} | note`)).toEqual({ client: CLIENT_JWT });
  });

  it('a __session-only JWT (has sid) is kept as the session cookie', () => {
    expect(parseCookieInput(SESSION_JWT)).toEqual({ session: SESSION_JWT });
  });

  it('a bearer JWT without rotating_token or sid is refused with a clear reason', () => {
    const error = parseError(BEARER_JWT);
    expect(error.message).toMatch(/short-lived bearer token, not the __client cookie/);
    expect(error.message).toMatch(/Paste the value of the __client cookie/);
  });

  it('an opaque token of 16+ characters is taken as the __client value', () => {
    expect(parseCookieInput(OPAQUE)).toEqual({ client: OPAQUE });
    expect(parseCookieInput('0123456789abcdef')).toEqual({ client: '0123456789abcdef' });
  });

  // Spec 1.5: values are unquoted and URL-decoded, a bare one as much as one inside a header.
  it('takes the quotes and URL-encoding off a bare value, so they are never stored as part of the cookie', () => {
    for (const quoted of [`"${CLIENT_JWT}"`, `'${CLIENT_JWT}'`, `%22${CLIENT_JWT}%22`, `"${CLIENT_JWT}"|note`]) {
      expect(parseCookieInput(quoted)).toEqual({ client: CLIENT_JWT });
    }
    expect(parseCookieInput(`"${OPAQUE}"`)).toEqual({ client: OPAQUE });
    expect(parseCookieInput(`'${SESSION_JWT}'`)).toEqual({ session: SESSION_JWT });
  });

  it('an opaque value ending in base64 padding is still a __client value; a name=value pair is not', () => {
    expect(parseCookieInput(`${OPAQUE}==`)).toEqual({ client: `${OPAQUE}==` });
    expect(parseCookieInput(`${OPAQUE}=`)).toEqual({ client: `${OPAQUE}=` });
    expect(parseError(`consent=${OPAQUE}`).message).toMatch(/does not look like an Orchids cookie/);
  });

  it('a session JWT naming its session by id rather than sid (spec 1.4) is kept as the session cookie', () => {
    const byId = fakeJwt({ id: 'sess_XXXX', sub: 'user_XXXX', exp: 1_800_000_060 });
    expect(parseCookieInput(byId)).toEqual({ session: byId });
  });

  it('short or spaced values are not taken as a token', () => {
    expect(parseError('0123456789abcde').message).toMatch(/does not look like an Orchids cookie/);
    expect(parseError('fake token with spaces XXXX').message).toMatch(/does not look like an Orchids cookie/);
  });
});

describe('parseCookieInput: Cookie header strings', () => {
  it('reads __client, __client_uat and __session from a header', () => {
    const header = `Cookie: theme=dark; __client=${CLIENT_JWT}; __client_uat=${UAT}; __session=${SESSION_JWT}; other=1`;
    expect(parseCookieInput(header)).toEqual({ client: CLIENT_JWT, clientUat: UAT, session: SESSION_JWT });
  });

  it('unquotes and URL-decodes values', () => {
    const header = `__client="${OPAQUE}%3D%3D"; __client_uat="${UAT}"; __session=${encodeURIComponent(SESSION_JWT)}`;
    expect(parseCookieInput(header)).toEqual({ client: `${OPAQUE}==`, clientUat: UAT, session: SESSION_JWT });
  });

  it('accepts the header without spaces and in any order', () => {
    expect(parseCookieInput(`__client_uat=${UAT};__client=${OPAQUE}`)).toEqual({ client: OPAQUE, clientUat: UAT });
  });

  it('falls back to namespaced __client_<suffix> without confusing __client_uat', () => {
    const header = `__client_uat_AbC123=${UAT}; __client_AbC123=${OPAQUE}; __session_AbC123=${SESSION_JWT}`;
    expect(parseCookieInput(header)).toEqual({ client: OPAQUE, clientUat: UAT, session: SESSION_JWT });
    // __client_uat alone is not a client cookie.
    expect(parseError(`__client_uat=${UAT}`).message).toMatch(/No __client \(or __session\) cookie found/);
  });

  it('takes single quotes off a header value too', () => {
    expect(parseCookieInput(`__client='${CLIENT_JWT}'; __client_uat='${UAT}'`)).toEqual({
      client: CLIENT_JWT,
      clientUat: UAT,
    });
  });

  it('prefers the exact name over a namespaced one', () => {
    const header = `__client_AbC123=namespaced-fake-XXXX; __client=${OPAQUE}`;
    expect(parseCookieInput(header).client).toBe(OPAQUE);
  });

  it('a header with only __session is enough to bootstrap', () => {
    expect(parseCookieInput(`__session=${SESSION_JWT}`)).toEqual({ session: SESSION_JWT });
  });
});

describe('parseCookieInput: browser JSON exports', () => {
  const exported = [
    { domain: '.orchids.app', name: '__client', value: CLIENT_JWT, httpOnly: true },
    { domain: '.orchids.app', name: '__client_uat', value: UAT },
    { domain: '.orchids.app', name: '__session', value: encodeURIComponent(SESSION_JWT) },
    { domain: '.orchids.app', name: 'unrelated', value: 'x' },
  ];

  it('reads an array of {name, value}', () => {
    expect(parseCookieInput(JSON.stringify(exported))).toEqual({
      client: CLIENT_JWT,
      clientUat: UAT,
      session: SESSION_JWT,
    });
  });

  it('reads {cookies: [...]}', () => {
    expect(parseCookieInput(JSON.stringify({ url: 'https://www.orchids.app', cookies: exported }, null, 2))).toEqual({
      client: CLIENT_JWT,
      clientUat: UAT,
      session: SESSION_JWT,
    });
  });

  it('accepts namespaced names in an export', () => {
    const namespaced = [
      { name: '__client_uat_XyZ', value: UAT },
      { name: '__client_XyZ', value: OPAQUE },
    ];
    expect(parseCookieInput(JSON.stringify(namespaced))).toEqual({ client: OPAQUE, clientUat: UAT });
  });

  it('refuses an export without a usable cookie, or JSON of another shape', () => {
    expect(parseError(JSON.stringify([{ name: 'theme', value: 'dark' }])).message).toMatch(/No __client/);
    expect(parseError('{"foo": 1}').message).toMatch(/list of \{name, value\} cookies/);
    expect(parseError('[{"name": "__client", ').message).toMatch(/does not parse/);
  });
});

describe('parseCookieInput: nothing usable', () => {
  it.each([
    ['empty', '', /The cookie is empty/],
    ['whitespace', '   \n\t', /The cookie is empty/],
    ['garbage', 'hello there', /does not look like an Orchids cookie/],
    ['a bare Bearer', 'Bearer ', /does not look like an Orchids cookie/],
  ])('%s → CookieParseError that says what to paste', (_name, input, reason) => {
    const error = parseError(input);
    expect(error.name).toBe('CookieParseError');
    expect(error.message).toMatch(reason);
    expect(error.message).toContain('Paste the value of the __client cookie from orchids.app');
    expect(error.message).toContain('browser cookie export');
  });
});

describe('parseCookieInput: wrong pastes are named before Clerk is asked', () => {
  const cutAtDot = CLIENT_JWT.slice(0, CLIENT_JWT.lastIndexOf('.'));
  const firstHalf = CLIENT_JWT.slice(0, 40);
  const secondHalf = CLIENT_JWT.slice(40);

  it.each([
    ['lost its signature part', cutAtDot],
    ['cut inside the payload', firstHalf],
    ["shortened by DevTools' ellipsis", `${CLIENT_JWT.slice(0, 60)}…`],
    ['three parts, payload not decodable', 'aaaa.bbbb.cccc'],
    ['a cut __client in a header', `__client=${cutAtDot}; __client_uat=${UAT}`],
    ['a cut __session alone', `__session=${SESSION_JWT.slice(0, 50)}`],
  ])('a truncated JWT (%s) is called cut off', (_name, input) => {
    expect(parseError(input).message).toMatch(/^That token is cut off, so it cannot be read/);
  });

  it('a cut __session next to a whole __client is dropped, not refused: the __client is all that is needed', () => {
    expect(parseCookieInput(`__client=${CLIENT_JWT}; __session=${SESSION_JWT.slice(0, 50)}`)).toEqual({
      client: CLIENT_JWT,
    });
  });

  it('an opaque __client that merely contains dots is not mistaken for a cut JWT', () => {
    expect(parseCookieInput(`__client=${OPAQUE}.part.two`)).toEqual({ client: `${OPAQUE}.part.two` });
  });

  it('a value broken by a space or a line break is refused with that reason', () => {
    for (const broken of [
      `${firstHalf} ${secondHalf}`,
      `${firstHalf}\n${secondHalf}`,
      `Bearer ${firstHalf}  ${secondHalf}`,
    ]) {
      expect(parseError(broken).message).toMatch(/^That value has a space or line break inside it/);
    }
    expect(parseError(`__client=${firstHalf} ${secondHalf}; __client_uat=${UAT}`).message).toMatch(
      /^The __client value has a space or line break inside it/,
    );
  });

  it('a whole document.cookie string without __client says where __client really is', () => {
    for (const pasted of [`theme=dark; _ga=GA1.1.XXXX; __client_uat=${UAT}`, 'theme=dark; consent=yes']) {
      const { message } = parseError(pasted);
      expect(message).toMatch(/whole cookie list \(document\.cookie\), which never includes __client/);
      expect(message).toContain('Application → Cookies → clerk.orchids.app');
    }
  });

  it('a document.cookie string that carries __session is kept for the bootstrap', () => {
    expect(parseCookieInput(`theme=dark; __client_uat=${UAT}; __session=${SESSION_JWT}`)).toEqual({
      clientUat: UAT,
      session: SESSION_JWT,
    });
  });

  it('each kind of wrong paste gets its own sentence', () => {
    const messages = [
      parseError(cutAtDot).message,
      parseError(`${firstHalf} ${secondHalf}`).message,
      parseError('theme=dark; consent=yes').message,
      parseError(BEARER_JWT).message,
      parseError('hello there').message,
    ];
    expect(new Set(messages).size).toBe(messages.length);
  });
});

describe('parseCookieInput: values that cannot be a __client token are refused before Clerk is asked', () => {
  const NOT_A_TOKEN = /not a __client cookie: the value expected is one long, random-looking token/;

  it.each([
    ['typed words', 'fake-not-a-cookie'],
    ['typed words with underscores and dots', 'my_orchids.cookie_value'],
    ['characters no token has', 'fake!cookie$value#XXXX'],
    ['a link', 'https://www.orchids.app/XXXX'],
  ])('a bare value of %s', (_name, input) => {
    const { message } = parseError(input);
    expect(message).toMatch(new RegExp(`^That is ${NOT_A_TOKEN.source}`));
    expect(message).toContain('Application → Cookies → clerk.orchids.app');
  });

  it.each([
    ['__client=fake-not-a-cookie'],
    ['Cookie: theme=dark; __client=fake-not-a-cookie; __client_uat=1800000000'],
    [JSON.stringify([{ name: '__client', value: 'fake-not-a-cookie' }])],
  ])('the same words as the __client of a header or an export: %s', (input) => {
    expect(parseError(input).message).toMatch(new RegExp(`^The __client value there is ${NOT_A_TOKEN.source}`));
  });

  it('keeps taking anything that could be a real token: a JWT, an opaque v2_ token, random-looking characters', () => {
    const opaqueV2 = `v2_${Buffer.from('{"fake":"XXXX"}').toString('base64url')}`;
    for (const token of [CLIENT_JWT, opaqueV2, OPAQUE, `${OPAQUE}==`, '0123456789abcdef', 'fakeclienttokenX']) {
      expect(parseCookieInput(token)).toEqual({ client: token });
      expect(parseCookieInput(`Cookie: __client=${token}; __client_uat=${UAT}`).client).toBe(token);
    }
    // Three dot-separated base64url parts are left to the JWT checks, never called typed words.
    expect(parseCookieInput('__client=aaaa.bbbb.cccc')).toEqual({ client: 'aaaa.bbbb.cccc' });
    expect(parseCookieInput(`__client=${OPAQUE}/plus+slash`)).toEqual({ client: `${OPAQUE}/plus+slash` });
  });
});

describe('resolvePastedCookies: the session a pasted __session names', () => {
  it.each([
    ['sid', { sid: 'sess_XXXX' }],
    ['id, when there is no sid (spec 1.4)', { id: 'sess_XXXX' }],
  ])('sends clerk_active_context for the session its %s names when bootstrapping', async (_name, claims) => {
    const session = fakeJwt({ ...claims, sub: 'user_XXXX', exp: 4_102_444_800 });
    const sent: ClerkCookies[] = [];
    const clerk = {
      bootstrap: (cookies: ClerkCookies) => (sent.push(cookies), Promise.resolve({ client: OPAQUE })),
      lookup: (cookies: ClerkCookies) => (
        sent.push(cookies),
        Promise.resolve({
          identity: { sessionId: 'sess_XXXX', userId: 'user_XXXX', email: '', lastActiveToken: undefined },
          rotated: {},
        })
      ),
    } as unknown as ClerkClient;
    await resolvePastedCookies(clerk, parseCookieInput(session), () => 0);
    expect(sent.map((c) => c.sessionId)).toEqual(['sess_XXXX', 'sess_XXXX']);
  });
});
