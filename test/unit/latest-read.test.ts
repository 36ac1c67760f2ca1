import { describe, expect, it } from 'vitest';
import { LatestRead, type Change } from '../../renderer/src/lib/latest-read';

interface Item {
  id: number;
  count: number;
}

const put =
  (item: Item): Change<Item[]> =>
  (list) =>
    list.some((i) => i.id === item.id) ? list.map((i) => (i.id === item.id ? item : i)) : [...list, item];
const count =
  (id: number, n: number): Change<Item[]> =>
  (list) =>
    list.map((i) => (i.id === id ? { ...i, count: n } : i));

describe('LatestRead', () => {
  it('applies the changes that came while a read was on its way on top of its answer, in order', () => {
    const read = new LatestRead<Item[]>();
    const ticket = read.ask();
    read.keep(put({ id: 2, count: 0 })); // added after the core answered without it
    read.keep(count(2, 1));
    read.keep(count(2, 2));
    expect(read.answer(ticket, [{ id: 1, count: 5 }])).toEqual([
      { id: 1, count: 5 },
      { id: 2, count: 2 },
    ]);
  });

  it('a change the answer already holds is applied again without doubling it', () => {
    const read = new LatestRead<Item[]>();
    const ticket = read.ask();
    read.keep(put({ id: 1, count: 3 }));
    expect(read.answer(ticket, [{ id: 1, count: 3 }])).toEqual([{ id: 1, count: 3 }]);
  });

  it('uses only the newest read, and forgets changes once it has landed', () => {
    const read = new LatestRead<Item[]>();
    const older = read.ask();
    read.keep(count(1, 1));
    const newer = read.ask(); // the newer read is answered after the change above
    read.keep(count(1, 2));
    expect(read.answer(older, [])).toBeNull();
    expect(read.failed(older)).toBe(false);
    expect(read.answer(newer, [{ id: 1, count: 1 }])).toEqual([{ id: 1, count: 2 }]);
    read.keep(count(1, 9)); // no read on its way: nothing to apply it to later
    const next = read.ask();
    expect(read.answer(next, [{ id: 1, count: 3 }])).toEqual([{ id: 1, count: 3 }]);
  });

  it('a failed newest read stops keeping changes', () => {
    const read = new LatestRead<Item[]>();
    const ticket = read.ask();
    expect(read.failed(ticket)).toBe(true);
    read.keep(count(1, 4));
    expect(read.answer(read.ask(), [{ id: 1, count: 0 }])).toEqual([{ id: 1, count: 0 }]);
  });
});
