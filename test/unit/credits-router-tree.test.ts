import { describe, expect, it } from 'vitest';
import { treeOf } from '../../main/core/credits/router-state';

/**
 * The router tree in an RSC prefetch reply, in the shapes Next.js writes (read from next 13.4.19, 14.2.35, 15.0.0 and
 * 15.5.29's `dist/server/app-render`: `types.d.ts`, `app-render.js`, `walk-tree-with-flight-router-state.js`) and the
 * one Orchids' own Go client read. The rows are written by hand from those types; the build ids are fake.
 */

const root = ['', { children: ['__PAGE__', {}, '/', 'refresh'] }, '$undefined', '$undefined', true];
const rootJson = JSON.stringify(root);

/** React 19 (Next 15) flushes client references, symbols and hints before the root model's row. */
const leadingRows =
  '1:"$Sreact.fragment"\n2:I[7151,["7151","static/chunks/fake-1a2b.js"],"default"]\n:HL["/x.css","style"]\n';

describe('where Next.js puts the router tree', () => {
  it('Next 15 prefetch of the root (router state only): {b, f, S} with the tree at f[0][0], after other rows', () => {
    const row = { b: 'fake-build-15', f: [[root, null, [null, null], true]], S: true };
    expect(treeOf(`${leadingRows}0:${JSON.stringify(row)}\n`)).toBe(rootJson);
    expect(treeOf(`0:${JSON.stringify(row)}\n${leadingRows}`)).toBe(rootJson);
  });

  it('Next 15 full render payload: the initial tree at f[0][0], beside seed data, head and the other keys', () => {
    const seed = ['', ['$', '$1', 'c', { children: [null, '$L3'] }], { children: null }, null, false];
    const row = {
      P: null,
      b: 'fake-build-15',
      p: '',
      c: ['', ''],
      i: false,
      f: [[root, seed, ['$', '$1', 'h', { children: [null, '$L4'] }], false]],
      m: '$undefined',
      G: ['$5', []],
      s: false,
      S: true,
    };
    expect(treeOf(`${leadingRows}0:${JSON.stringify(row)}\n3:["$","main",null,{}]\n`)).toBe(rootJson);
  });

  it('Next 14 navigation: [buildId, flightData] with the tree at flightData[0][0]', () => {
    const seed = ['', { children: ['__PAGE__', {}, [['$L1', ['$', '$L2', null, {}]], null], null] }, null];
    const head = [['$', 'meta', '0', { name: 'viewport', content: 'width=device-width' }]];
    const row = ['fake-build-14', [[root, seed, head]]];
    expect(treeOf(`1:I[7151,[],"default"]\n0:${JSON.stringify(row)}\n`)).toBe(rootJson);
  });

  it('Next 13.4 navigation: [buildId, flightData] with subtree data by reference', () => {
    const tree = ['', { children: ['__PAGE__', {}] }, '$undefined', '$undefined', true];
    const row = ['fake-build-13', [[tree, '$L1', [['$', 'title', '0', { children: 'Fake' }]]]]];
    expect(treeOf(`0:${JSON.stringify(row)}\n1:["$","div",null,{}]\n`)).toBe(JSON.stringify(tree));
  });

  it('the shape Orchids’ Go client read: f[0][0][0]', () => {
    const row = { b: 'fake-build-go', f: [[[root], null, [], true]], S: false };
    expect(treeOf(`0:${JSON.stringify(row)}\n`)).toBe(rootJson);
  });

  it('dynamic segments ([param, value, type]) and parallel routes are trees too', () => {
    const tree = [
      '',
      {
        children: [['locale', 'en', 'd'], { children: [['slug', 'a/b', 'c'], { children: ['__PAGE__', {}] }] }],
        modal: ['__DEFAULT__', {}, null, null],
      },
      null,
      null,
      true,
    ];
    const row = { b: 'fake-build-15', f: [[tree, null, [null, null], true]], S: false };
    expect(treeOf(`0:${JSON.stringify(row)}\n`)).toBe(JSON.stringify(tree));
  });
});

describe('what is not the router tree', () => {
  const reply = (f: unknown): string => `0:${JSON.stringify({ b: 'fake-build', f, S: false })}\n`;

  it('reads as none', () => {
    expect(treeOf(reply(''))).toBeUndefined(); // Next's flight data for an MPA navigation is a string
    expect(treeOf(reply([]))).toBeUndefined();
    expect(treeOf(reply([[['', 'children']]]))).toBeUndefined(); // a segment path, no routes object
    expect(treeOf(reply([[['', ['children']]]]))).toBeUndefined(); // routes an array
    expect(treeOf(reply([[['', { children: 'x' }]]]))).toBeUndefined(); // a route that is no tree
    expect(treeOf(reply([[['', { children: [7, {}] }]]]))).toBeUndefined(); // a segment that is neither
    expect(treeOf(reply([[['', { children: [['id', 1, 'd'], {}] }]]]))).toBeUndefined();
    expect(treeOf(reply([[[['a', 'b'], {}]]]))).toBeUndefined(); // a dynamic segment missing its type
    // A reply rendered below the root starts its path with segments: its tree is a subtree, not the root's.
    expect(treeOf(reply([['children', ['__PAGE__', {}], null, null, false]]))).toBeUndefined();
    expect(treeOf(`${leadingRows}1:{"f":[[${rootJson}]]}\n`)).toBeUndefined(); // no row 0
    expect(treeOf(`0:{"f":[[${rootJson}]]`.slice(0, -3))).toBeUndefined(); // row 0 cut short
    expect(treeOf('<!DOCTYPE html><html>')).toBeUndefined();
    expect(treeOf('')).toBeUndefined();
  });

  it('refuses a tree deeper than any route, so a hostile reply cannot recurse without end', () => {
    let deep: unknown[] = ['__PAGE__', {}];
    for (let i = 0; i < 40; i++) deep = [`s${i}`, { children: deep }];
    expect(treeOf(reply([[deep]]))).toBeUndefined();
    let fine: unknown[] = ['__PAGE__', {}];
    for (let i = 0; i < 10; i++) fine = [`s${i}`, { children: fine }];
    expect(treeOf(reply([[fine]]))).toBe(JSON.stringify(fine));
  });

  it('refuses a tree no header can carry', () => {
    expect(treeOf(reply([[['', { children: ['p\u00e4ge', {}, null, null] }]]]))).toBeUndefined();
    expect(treeOf(reply([[['', { children: ['a\u007fb', {}, null, null] }]]]))).toBeUndefined();
    // JSON writes a line break as `\n`, which a header carries.
    expect(treeOf(reply([[['', { children: ['a\nb', {}, null, null] }]]]))).toBe(
      '["",{"children":["a\\nb",{},null,null]}]',
    );
    expect(treeOf(reply([[['', { children: ['x'.repeat(9_000), {}, null, null] }]]]))).toBeUndefined();
  });
});
