// mergeOrdered reads several key-ordered shards as one ordered stream. Paging depends on it: a
// page must hold the globally smallest (or largest) keys, and `exhausted` must never claim the
// end while an item is left.

import { describe, expect, it } from 'vitest';
import { mergeOrdered, type ShardCursor } from '../../lib/adapters/dynamodb/merge';

interface Item {
  key: string;
  shard: number;
}

const keyOf = (item: Item) => item.key;

/** A shard over a sorted list, optionally starting after a key, that records its fetches. */
class MemoryShard implements ShardCursor<Item> {
  readonly limits: number[] = [];
  private position = 0;
  private readonly items: Item[];

  constructor(
    keys: string[],
    shard: number,
    private readonly options: {
      order?: 'asc' | 'desc';
      after?: string;
      /** Report done only on a fetch that returns nothing (DynamoDB's LastEvaluatedKey). */
      lateDone?: boolean;
      /** Answer this many empty, not-done pages first (a filtered page). */
      emptyPages?: number;
    } = {},
  ) {
    const order = options.order ?? 'asc';
    const sorted = [...keys].sort();
    if (order === 'desc') sorted.reverse();
    const after = options.after;
    this.items = sorted
      .filter((key) => after === undefined || (order === 'asc' ? key > after : key < after))
      .map((key) => ({ key, shard }));
  }

  async fetch(limit: number) {
    this.limits.push(limit);
    if ((this.options.emptyPages ?? 0) > 0) {
      this.options.emptyPages = (this.options.emptyPages ?? 0) - 1;
      return { items: [], done: false };
    }
    const items = this.items.slice(this.position, this.position + limit);
    this.position += items.length;
    const done = this.options.lateDone ? items.length === 0 : this.position >= this.items.length;
    return { items, done };
  }

  get fetched(): number {
    return this.position;
  }
}

function keys(prefix: string, count: number, step = 1, start = 0): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${prefix}${String(start + i * step).padStart(4, '0')}`,
  );
}

/** Splits keys over shards round-robin-ish by a fixed pattern of weights. */
function spread(all: string[], weights: number[]): string[][] {
  const shards: string[][] = weights.map(() => []);
  let i = 0;
  for (const key of all) {
    // Each shard takes `weight` keys in turn, so shard sizes are uneven but interleaved.
    let shard = 0;
    let acc = i % weights.reduce((a, b) => a + b, 0);
    while (acc >= (weights[shard] ?? 0)) {
      acc -= weights[shard] ?? 0;
      shard++;
    }
    shards[shard]?.push(key);
    i++;
  }
  return shards;
}

const sortedAsc = (list: string[]) => [...list].sort();
const sortedDesc = (list: string[]) => [...list].sort().reverse();

describe('mergeOrdered', () => {
  const all = keys('k', 60);
  const parts = spread(all, [1, 5, 0, 2]);

  it('spreads the fixture unevenly, with an empty shard', () => {
    expect(parts.map((p) => p.length)).toEqual([8, 38, 0, 14]);
  });

  it('returns the globally first keys when take is smaller than the total', async () => {
    const shards = parts.map((p, i) => new MemoryShard(p, i));
    const page = await mergeOrdered(shards, 10, keyOf);
    expect(page.items.map(keyOf)).toEqual(all.slice(0, 10));
    expect(page.exhausted).toBe(false);
  });

  it('returns everything, exhausted, when take is larger than the total', async () => {
    const shards = parts.map((p, i) => new MemoryShard(p, i));
    const page = await mergeOrdered(shards, 1_000, keyOf);
    expect(page.items.map(keyOf)).toEqual(all);
    expect(page.exhausted).toBe(true);
  });

  it('is exhausted when take equals the total and every shard said done', async () => {
    const shards = parts.map((p, i) => new MemoryShard(p, i));
    const page = await mergeOrdered(shards, 60, keyOf);
    expect(page.items.map(keyOf)).toEqual(all);
    expect(page.exhausted).toBe(true);
  });

  it('is not exhausted when take equals the total but a shard has not said done', async () => {
    const shards = parts.map((p, i) => new MemoryShard(p, i, { lateDone: true }));
    const page = await mergeOrdered(shards, 60, keyOf);
    expect(page.items.map(keyOf)).toEqual(all);
    expect(page.exhausted).toBe(false);
  });

  it('reads on until a late-done shard reports done when take exceeds the total', async () => {
    const shards = parts.map((p, i) => new MemoryShard(p, i, { lateDone: true }));
    const page = await mergeOrdered(shards, 61, keyOf);
    expect(page.items.map(keyOf)).toEqual(all);
    expect(page.exhausted).toBe(true);
  });

  it('is not exhausted when items are left in a buffer', async () => {
    // One shard holds everything and answers it in one fetch: 9 are left in the buffer.
    const only = new MemoryShard(keys('k', 10), 0);
    const page = await mergeOrdered([only], 1, keyOf);
    expect(page.items.map(keyOf)).toEqual(['k0000']);
    expect(only.fetched).toBe(8);
    expect(page.exhausted).toBe(false);
  });

  it('merges in descending order', async () => {
    const shards = parts.map((p, i) => new MemoryShard(p, i, { order: 'desc' }));
    const page = await mergeOrdered(shards, 25, keyOf, 'desc');
    expect(page.items.map(keyOf)).toEqual(sortedDesc(all).slice(0, 25));
    expect(page.exhausted).toBe(false);
    const rest = parts.map((p, i) => new MemoryShard(p, i, { order: 'desc' }));
    const whole = await mergeOrdered(rest, 100, keyOf, 'desc');
    expect(whole.items.map(keyOf)).toEqual(sortedDesc(all));
    expect(whole.exhausted).toBe(true);
  });

  it('answers nothing, exhausted, for empty shards or no shards', async () => {
    const empty = await mergeOrdered([new MemoryShard([], 0), new MemoryShard([], 1)], 10, keyOf);
    expect(empty).toEqual({ items: [], exhausted: true });
    expect(await mergeOrdered<Item>([], 10, keyOf)).toEqual({ items: [], exhausted: true });
  });

  it('takes nothing for take 0', async () => {
    const page = await mergeOrdered([new MemoryShard(keys('k', 3), 0)], 0, keyOf);
    expect(page.items).toEqual([]);
  });

  it('skips empty pages of a shard that is not done yet', async () => {
    const shards = [
      new MemoryShard(['a', 'd', 'e'], 0, { emptyPages: 3 }),
      new MemoryShard(['b', 'c', 'f'], 1),
    ];
    const page = await mergeOrdered(shards, 4, keyOf);
    expect(page.items.map(keyOf)).toEqual(['a', 'b', 'c', 'd']);
    expect(page.exhausted).toBe(false);
  });

  it('waits for a shard that ran dry in its buffer before choosing the next key', async () => {
    // Shard 0 answers 8 per fetch; its 9th key sorts before shard 1's first.
    const low = keys('a', 9);
    const shards = [new MemoryShard(low, 0), new MemoryShard(['b0000', 'b0001'], 1)];
    const page = await mergeOrdered(shards, 10, keyOf);
    expect(page.items.map(keyOf)).toEqual([...low, 'b0000']);
    // Two fetches of max(8, ceil(10 / 2 * 1.5)) = 8: the second one brings a0008.
    expect(shards[0]?.limits).toEqual([8, 8]);
    expect(page.exhausted).toBe(false);
  });

  it('keeps items with equal keys from every shard', async () => {
    const shards = [new MemoryShard(['a', 'b'], 0), new MemoryShard(['a', 'c'], 1)];
    const page = await mergeOrdered(shards, 10, keyOf);
    expect(page.items).toEqual([
      { key: 'a', shard: 0 },
      { key: 'a', shard: 1 },
      { key: 'b', shard: 0 },
      { key: 'c', shard: 1 },
    ]);
  });

  it('reads about the page size, not whole shards', async () => {
    const big = spread(keys('k', 3_000), [1, 1, 1, 1]);
    const shards = big.map((p, i) => new MemoryShard(p, i));
    const page = await mergeOrdered(shards, 100, keyOf);
    expect(page.items.map(keyOf)).toEqual(keys('k', 100));
    // 1.5 x the even share per fetch: ceil(100 / 4 * 1.5) = 38.
    for (const shard of shards) expect(shard.limits).toEqual([38]);
    expect(shards.reduce((sum, s) => sum + s.fetched, 0)).toBe(152);
  });

  it.each([
    ['asc', 1],
    ['asc', 7],
    ['asc', 60],
    ['desc', 7],
    ['desc', 13],
  ] as const)('pages through every item exactly once (%s, take %i)', async (order, take) => {
    const expected = order === 'asc' ? sortedAsc(all) : sortedDesc(all);
    const seen: string[] = [];
    let after: string | undefined;
    for (let pageNo = 0; pageNo < 100; pageNo++) {
      const shards = parts.map((p, i) => new MemoryShard(p, i, { order, after }));
      const page = await mergeOrdered(shards, take, keyOf, order);
      seen.push(...page.items.map(keyOf));
      const last = page.items.at(-1);
      if (page.exhausted || last === undefined) break;
      after = last.key;
    }
    expect(seen).toEqual(expected);
  });
});
