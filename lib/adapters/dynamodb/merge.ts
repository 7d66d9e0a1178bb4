// Reads several key-ordered partitions as one ordered stream, fetching each lazily, so a page
// costs about the page size in reads however the items are spread over shards.

export interface ShardCursor<T> {
  /** Fetches the next page of one shard; `done` when the shard has nothing more. */
  fetch(limit: number): Promise<{ items: T[]; done: boolean }>;
}

export async function mergeOrdered<T>(
  shards: ShardCursor<T>[],
  take: number,
  keyOf: (item: T) => string,
  order: 'asc' | 'desc' = 'asc',
): Promise<{ items: T[]; exhausted: boolean }> {
  const perFetch = Math.max(8, Math.ceil((take / Math.max(1, shards.length)) * 1.5));
  const buffers: T[][] = shards.map(() => []);
  const done: boolean[] = shards.map(() => false);

  async function refill(index: number) {
    const shard = shards[index];
    if (!shard) return;
    const page = await shard.fetch(perFetch);
    buffers[index]?.push(...page.items);
    done[index] = page.done;
  }

  const before = (a: string, b: string) => (order === 'asc' ? a < b : a > b);
  await Promise.all(shards.map((_, index) => refill(index)));
  const out: T[] = [];
  while (out.length < take) {
    // A shard with an empty buffer that is not done must be read before its next key is known.
    const empty = shards.map((_, i) => i).filter((i) => !done[i] && buffers[i]?.length === 0);
    if (empty.length > 0) {
      await Promise.all(empty.map(refill));
      continue;
    }
    let best = -1;
    for (let i = 0; i < buffers.length; i++) {
      const head = buffers[i]?.[0];
      if (head === undefined) continue;
      const bestHead = buffers[best]?.[0];
      if (best < 0 || (bestHead !== undefined && before(keyOf(head), keyOf(bestHead)))) best = i;
    }
    if (best < 0) return { items: out, exhausted: true };
    const item = buffers[best]?.shift();
    if (item !== undefined) out.push(item);
  }
  const exhausted = done.every(Boolean) && buffers.every((buffer) => buffer.length === 0);
  return { items: out, exhausted };
}
