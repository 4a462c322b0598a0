import type { Endpoint, FaultPolicy } from '../model/endpoint.js';
import { parseRecord, toRecord } from '../model/endpoint-record.js';
import { keys } from '../model/keys.js';
import type { KvPort, KvWrite } from '../ports/coordination.js';

/** One stored record as read back: the endpoint, or why it could not be read. */
export type StoredRecord = { key: string; endpoint: Endpoint } | { key: string; error: unknown };

/**
 * This host's endpoint records in etcd (`/link/hosts/<host>/<id>`), LinK v3's layout: what a
 * restart restores. Not lease-bound: they outlive the agent.
 */
export class EndpointStore {
  private readonly prefix: string;

  constructor(
    private readonly kv: KvPort,
    private readonly hostname: string,
    private readonly defaultFaultPolicy: FaultPolicy,
  ) {
    this.prefix = keys.endpointsOf(hostname);
  }

  put(endpoint: Endpoint): Promise<void> {
    const write = this.write(endpoint);
    return this.kv.put(write.key, write.value);
  }

  delete(id: string): Promise<void> {
    return this.kv.delete(keys.endpoint(this.hostname, id));
  }

  /** The write storing `endpoint`, for a batch. */
  write(endpoint: Endpoint): KvWrite & { type: 'put' } {
    return {
      type: 'put',
      key: keys.endpoint(this.hostname, endpoint.id),
      value: JSON.stringify(toRecord(endpoint)),
    };
  }

  /** The endpoint id a record key names, or undefined for another key. */
  idOf(key: string): string | undefined {
    return key.startsWith(this.prefix) ? key.slice(this.prefix.length) : undefined;
  }

  /** Every stored record, each parsed with the API's rules (a corrupt one says why). */
  async readAll(): Promise<StoredRecord[]> {
    const stored = await this.kv.list(this.prefix);
    return [...stored].map(([key, raw]) => {
      try {
        return { key, endpoint: parseRecord(raw, this.defaultFaultPolicy) };
      } catch (error) {
        return { key, error };
      }
    });
  }
}
