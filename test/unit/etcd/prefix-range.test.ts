import type { IKeyValue, IRangeRequest, IRangeResponse } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { prefixEnd, rangePrefix } from '../../../src/etcd/prefix-range.js';

/** An etcd range over sorted keys, answering `limit` at a time with `more`, as etcd does. */
function store(keys: string[]) {
  const requests: IRangeRequest[] = [];
  const read = async (request: IRangeRequest): Promise<IRangeResponse> => {
    requests.push(request);
    const from = request.key?.toString() ?? '';
    const end = request.range_end?.toString() ?? '';
    const inRange = keys.filter((k) => k >= from && k < end).sort();
    const limit = Number(request.limit ?? 0) || inRange.length;
    const kvs = inRange
      .slice(0, limit)
      .map((k) => ({ key: Buffer.from(k), value: Buffer.from(k) }) as IKeyValue);
    return {
      header: { revision: '42' },
      kvs,
      more: inRange.length > limit,
      count: String(inRange.length),
    } as IRangeResponse;
  };
  return { read, requests };
}

describe('rangePrefix', () => {
  it('reads every key under the prefix in pages, each page at the revision of the first', async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `/p/k${i}`);
    const { read, requests } = store([...keys, '/p', '/q/k0', '/o/k9']);
    const found = await rangePrefix('/p/', read, 3);
    expect(found.map((kv) => kv.key.toString())).toEqual(keys);
    expect(requests).toHaveLength(3);
    expect(requests.slice(1).map((r) => r.revision)).toEqual(['42', '42']);
  });

  it('is one read when everything fits in a page', async () => {
    const { read, requests } = store(['/p/a', '/p/b']);
    expect(await rangePrefix('/p/', read, 3)).toHaveLength(2);
    expect(requests).toHaveLength(1);
  });

  it('ends a prefix at the next key after every key that starts with it', () => {
    expect(prefixEnd('/link/status/')).toBe('/link/status0');
  });
});
