import { describe, expect, it } from 'vitest';
import { bestReference, chunkUrls } from '../../main/core/credits/action-discovery';
import { MAX_REPLY_CHARS, parseCreditsReply, planMonthlyCredits } from '../../main/core/credits/credits-reply';

describe('the credits reply parser', () => {
  it('reads the profile row of an RSC reply (gen-b 3.6 shape)', () => {
    const reply =
      '0:{"a":"$@1","f":"","b":"build-1"}\n' +
      '1:{"id":7151762,"userId":"user_fake1","email":"user1@example.test","plan":"FREE","credits":0,' +
      '"lastFreeCreditsRedeem":null,"createdAt":"2026-01-01T00:00:00.000Z"}\n';
    expect(parseCreditsReply(reply)).toEqual({ plan: 'FREE', credits: 0, monthlyLimit: 150_000 });
  });

  it('reads the short shape of protocol 4.1 and maps each plan to its monthly credits', () => {
    const reply = '1:{"credits":96571,"plan":"PRO","lastFreeCreditsRedeem":"2026-02-01T00:00:00Z"}';
    expect(parseCreditsReply(reply)).toEqual({ plan: 'PRO', credits: 96_571, monthlyLimit: 2_000_000 });
    expect(['FREE', 'PRO', 'PREMIUM', 'ULTRA', 'MAX'].map(planMonthlyCredits)).toEqual([
      150_000, 2_000_000, 4_000_000, 12_000_000, 30_000_000,
    ]);
  });

  it('counts an unknown plan as FREE, keeps its name, and names FREE when the reply names no plan', () => {
    expect(parseCreditsReply('1:{"credits":5,"plan":"team"}')).toEqual({
      plan: 'TEAM',
      credits: 5,
      monthlyLimit: 150_000,
    });
    expect(parseCreditsReply('1:{"credits":5}')).toEqual({ plan: 'FREE', credits: 5, monthlyLimit: 150_000 });
  });

  it('finds the credits object nested in another row, in document order', () => {
    const reply = '0:["$","div",null,{"children":[{"user":{"plan":"MAX","credits":12}},{"plan":"PRO","credits":1}]}]';
    expect(parseCreditsReply(reply)).toMatchObject({ plan: 'MAX', credits: 12 });
  });

  it('falls back to the object around a "credits" key when the rows are not line-shaped', () => {
    const reply = 'garbage before {"meta":{"x":1},"plan":"ULTRA","credits":42} garbage after';
    expect(parseCreditsReply(reply)).toEqual({ plan: 'ULTRA', credits: 42, monthlyLimit: 12_000_000 });
  });

  it('refuses a bare zero (no plan, no redeem date), as the site sends for placeholders', () => {
    expect(parseCreditsReply('1:{"credits":0}')).toBeUndefined();
    expect(parseCreditsReply('1:{"credits":0,"lastFreeCreditsRedeem":"2026-03-01"}')).toMatchObject({ credits: 0 });
  });

  it('reads garbage, wrong types and hostile values as no figure, without throwing', () => {
    const garbage = [
      '',
      'not an RSC reply at all',
      '1:null',
      '1:{"credits":"96571","plan":"PRO"}',
      '1:{"credits":-5,"plan":"PRO"}',
      '1:{"credits":1e400,"plan":"PRO"}',
      '1:{"credits":NaN}',
      '1:{"credits":',
      '{"credits"',
      '}}}}{{{{"credits":1',
      '1:I["credits"]',
      '\u0000\uffff"credits"\u0000',
      '1:' + JSON.stringify(Array.from({ length: 20_000 }, () => ({ n: 1 }))) + '\n2:{"credits":0}',
    ];
    for (const text of garbage) expect(parseCreditsReply(text), text.slice(0, 40)).toBeUndefined();
    expect(parseCreditsReply(undefined as unknown as string)).toBeUndefined();
  });

  it('walks a hostile nesting without recursion: past the depth bound the object scan still finds the figure', () => {
    const deep = `1:${'['.repeat(10_000)}{"credits":5,"plan":"PRO"}${']'.repeat(10_000)}`;
    expect(parseCreditsReply(deep)).toEqual({ plan: 'PRO', credits: 5, monthlyLimit: 2_000_000 });
  });

  it('shows no strange plan name: one that is not a short word reads as FREE', () => {
    expect(parseCreditsReply('1:{"credits":9,"plan":"<img src=x onerror=alert(1)>"}')).toMatchObject({
      plan: 'FREE',
    });
  });

  it('refuses a reply past the size cap even when a figure sits at its start', () => {
    const huge = '1:{"credits":5,"plan":"PRO"}\n' + 'x'.repeat(MAX_REPLY_CHARS);
    expect(parseCreditsReply(huge)).toBeUndefined();
  });
});

describe('action id discovery helpers', () => {
  const site = new URL('https://www.orchids.example.test/');

  it('keeps only same-origin Next.js chunks, each once, in page order', () => {
    const html = [
      '<script src="/_next/static/chunks/webpack-1.js" async></script>',
      "<script async src='/_next/static/chunks/app/page-2.js?dpl=dpl_x&amp;v=1'></script>",
      '<script src="https://cdn.example.test/_next/static/chunks/evil.js"></script>',
      '<script src="/static/other.js"></script>',
      '<script src="/_next/static/chunks/webpack-1.js"></script>',
      '<script>inline()</script>',
    ].join('');
    expect(chunkUrls(html, site)).toEqual([
      'https://www.orchids.example.test/_next/static/chunks/webpack-1.js',
      'https://www.orchids.example.test/_next/static/chunks/app/page-2.js?dpl=dpl_x&v=1',
    ]);
  });

  it('picks the best-ranked export name, not the first registration', () => {
    const id = (c: string): string => c.repeat(40);
    const ref = (hex: string, name: string): string =>
      `(0,n.createServerReference)("${hex}",n.callServer,void 0,n.findSourceMapURL,"${name}")`;
    const script = [ref(id('a'), 'getUsage'), ref(id('b'), 'deleteProject'), ref(id('c'), 'getUserProfile')].join(';');
    expect(bestReference(script)).toEqual({ id: id('c'), rank: 0 });
    expect(bestReference(ref(id('d'), 'deleteProject'))).toBeUndefined();
    expect(bestReference(ref('abc', 'getUserProfile'))).toBeUndefined(); // too short to be an action id
  });
});
