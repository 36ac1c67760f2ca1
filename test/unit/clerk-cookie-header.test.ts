import { describe, expect, it } from 'vitest';
import { clerkCookieHeader, rotatedFromSetCookie } from '../../main/core/clerk/cookie-header';

describe('clerkCookieHeader (spec §2.2)', () => {
  it('composes the spec’s verbatim example', () => {
    expect(
      clerkCookieHeader({
        client: 'client_cookie',
        session: 'session_cookie',
        clientUat: '1773712060',
        sessionId: 'sess_ctx',
      }),
    ).toBe('__client=client_cookie; __session=session_cookie; __client_uat=1773712060; clerk_active_context=sess_ctx:');
  });

  it('keeps the fixed order whatever order the fields were given in', () => {
    expect(clerkCookieHeader({ sessionId: 's', clientUat: 'u', session: 'x', client: 'c' })).toBe(
      '__client=c; __session=x; __client_uat=u; clerk_active_context=s:',
    );
  });

  it('leaves out each empty part, and the separators with it', () => {
    expect(clerkCookieHeader({ client: 'c', session: '', clientUat: undefined, sessionId: 'sess_1' })).toBe(
      '__client=c; clerk_active_context=sess_1:',
    );
    expect(clerkCookieHeader({ session: 'x', clientUat: 'u' })).toBe('__session=x; __client_uat=u');
    expect(clerkCookieHeader({ client: 'c' })).toBe('__client=c');
    expect(clerkCookieHeader({})).toBe('');
  });
});

describe('rotatedFromSetCookie', () => {
  it('takes __client and __client_uat from Set-Cookie lines and ignores attributes and other cookies', () => {
    expect(
      rotatedFromSetCookie([
        '__client=bootstrapped-client; Path=/; HttpOnly',
        '__client_uat=1773712060; Path=/',
        '__session=ignored; Path=/',
      ]),
    ).toEqual({ client: 'bootstrapped-client', clientUat: '1773712060' });
  });

  it('treats a cleared cookie as nothing to keep', () => {
    expect(rotatedFromSetCookie('__client=; Max-Age=0; Path=/')).toEqual({});
    expect(rotatedFromSetCookie(undefined)).toEqual({});
  });
});
