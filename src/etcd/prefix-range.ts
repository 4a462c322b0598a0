import type { IKeyValue, IRangeRequest, IRangeResponse } from 'etcd3';

/** Keys per read of a prefix: well under gRPC's 4 MB answer limit with records of a few kB. */
export const RANGE_PAGE = 500;

/** The first key after every key that starts with `prefix` (etcd's range end for a prefix). */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/**
 * Every key under `prefix`, read in pages of `RANGE_PAGE` at the first page's revision (one
 * consistent view). One read of the whole prefix failed once the answer passed gRPC's 4 MB limit
 * ("Received message larger than max"): 15 000 status records with 5 000 VIPs on 3 hosts.
 */
export async function rangePrefix(
  prefix: string,
  read: (request: IRangeRequest) => Promise<IRangeResponse>,
  page = RANGE_PAGE,
): Promise<IKeyValue[]> {
  const end = Buffer.from(prefixEnd(prefix));
  const found: IKeyValue[] = [];
  let from = Buffer.from(prefix);
  let revision: string | undefined;
  for (;;) {
    const res = await read({ key: from, range_end: end, limit: page, ...(revision ? { revision } : {}) });
    revision ??= res.header.revision;
    found.push(...res.kvs);
    const last = res.kvs.at(-1);
    if (!res.more || !last) return found;
    from = Buffer.concat([last.key, Buffer.from([0])]);
  }
}
