import { BrokenCircuitError } from 'cockatiel';
import {
  castGrpcError,
  Etcd3,
  type IKeyValue,
  type IRequestOp,
  type IResponseOp,
  isRecoverableError,
  type Watcher,
} from 'etcd3';
import { EtcdOutOfSpaceError } from '../model/errors.js';
import { ROOT } from '../model/keys.js';
import { monotonicNow } from '../ports/clock.js';
import type {
  CoordinationPort,
  KvPort,
  KvWrite,
  LeaseId,
  LeasePort,
  LockPort,
  LockState,
  WatchHandlers,
} from '../ports/coordination.js';
import type { LivenessStorePort } from '../ports/liveness.js';
import { etcdLivenessStore } from './etcd-liveness.js';
import { type EtcdConnection, toEtcd3Options } from './etcd-options.js';
import { GroupCommit } from './group-commit.js';
import { rangePrefix } from './prefix-range.js';
import { retryWithinDeadline } from './retry-within-deadline.js';
import type { EtcdCallObserver } from './slow-calls.js';
import { followWatchBreaks } from './watch-breaks.js';

/**
 * The etcd adapter behind the coordination port. Every call carries a deadline, because with
 * packets silently dropped an etcd call without one hangs for many seconds.
 */
export class EtcdCoordination implements CoordinationPort {
  readonly client: Etcd3;
  /**
   * The host lease's own connections: hundreds of VIP campaigns timing out together (a loaded
   * host) open the shared client's circuit breakers, which then refused the keepalive without
   * sending it, and the lease every lock rides on expired. Replaced after a failed call, see
   * `leaseCall`.
   */
  #leaseConnection: Etcd3;
  /**
   * Liveness records (suspicions, refutations, ended claims) on a connection of their own: not
   * behind the campaigns' circuit breakers, which a loaded host opens and which would refuse its
   * refutation unsent, and not on the lease's, whose keepalives a slow liveness call must not
   * disturb.
   */
  #livenessConnection: Etcd3;
  /**
   * The VIP locks' campaigns and releases: thousands of VIPs starting at once on a busy host time
   * out in bursts, which opened the shared client's circuit breaker, and bulk writes, status and
   * reads then failed unsent for a second. Their own connection keeps those apart.
   */
  readonly #lockConnection: Etcd3;
  readonly lease: LeasePort;
  readonly lock: LockPort;
  readonly kv: KvPort;
  readonly liveness: LivenessStorePort;
  /** Counts calls by kind, for the idle-load measurements and metrics. */
  readonly calls = new Map<string, number>();
  /** Lock campaigns and releases, each a nested transaction of one batch (see `GroupCommit`). */
  readonly #lockCalls = new GroupCommit<NestedTxnCall, unknown>({
    single: (call) => call.single(),
    many: (calls) => this.lockBatch(calls),
    keyOf: (call) => call.key,
    failsEveryCall: (error) =>
      error instanceof BrokenCircuitError || (error instanceof Error && isRecoverableError(error)),
    maxCalls: 64,
  });
  /** Status and link records; a failed batch is retried put by put, as the records are independent. */
  readonly #puts = new GroupCommit<PutRequest, void>({
    single: (put) => this.putOne(put),
    many: async (puts) => {
      await this.putMany(puts);
      return puts.map(() => ({ status: 'fulfilled', value: undefined }));
    },
    keyOf: (put) => put.key,
    failsEveryCall: () => false,
  });

  constructor(
    private readonly conn: EtcdConnection,
    /** Told how long each call took (metrics, the slow-call log). */
    private readonly onCall: EtcdCallObserver = () => {},
  ) {
    this.client = new Etcd3(toEtcd3Options(conn));
    this.#lockConnection = new Etcd3(toEtcd3Options(conn));
    this.#leaseConnection = new Etcd3(toEtcd3Options(conn));
    this.#livenessConnection = new Etcd3(toEtcd3Options(conn));
    this.lease = {
      grant: (ttl) => this.grant(ttl),
      keepAlive: (id) => this.keepAlive(id),
      revoke: (id) => this.revoke(id),
    };
    this.lock = {
      campaign: (key, holder, id) => this.campaign(key, holder, id),
      release: (key, id) => this.release(key, id),
      read: (key) => this.readLock(key),
      readAll: async (prefix) => {
        const kvs = await rangePrefix(prefix, (request) =>
          this.count('range', this.client.kv.range(request, this.opts()), `${prefix}*`),
        );
        return new Map(kvs.map((kv) => [kv.key.toString(), toLockState(kv)]));
      },
      watch: (prefix, handlers) => this.watch(prefix, handlers),
    };
    this.kv = {
      get: (key) =>
        this.count('get', this.client.get(key).options(this.opts()).string(), key).then(
          (v) => v ?? undefined,
        ),
      put: (key, value, leaseId) => this.#puts.call({ key, value, leaseId }),
      delete: async (key) => {
        await this.count('delete', this.client.delete().key(key).options(this.opts()).exec(), key);
      },
      list: async (prefix) => {
        const kvs = await rangePrefix(prefix, (request) =>
          this.count('range', this.client.kv.range(request, this.opts()), `${prefix}*`),
        );
        return new Map(kvs.map((kv) => [kv.key.toString(), kv.value.toString()]));
      },
      writeBatch: (writes, onApplied) => this.writeBatch(writes, onApplied),
    };
    this.liveness = etcdLivenessStore(
      (kind, call) => this.count(kind, this.livenessCall(call)),
      this.client,
      () => this.opts(),
    );
  }

  async close(): Promise<void> {
    this.client.close();
    this.#lockConnection.close();
    this.#leaseConnection.close();
    this.#livenessConnection.close();
  }

  /**
   * A lease call on a fresh connection after one that failed: a TCP connection that lost packets
   * in a partition waits for its backed-off retransmission (seconds) after the network heals, so
   * keepalives kept timing out for 2 s after a heal and the host declared etcd down; its circuit
   * breaker, open after three such calls, then refused the next grant unsent.
   */
  private async leaseCall<T>(call: (connection: Etcd3) => Promise<T>): Promise<T> {
    const connection = this.#leaseConnection;
    try {
      return await call(connection);
    } catch (error) {
      if (connection === this.#leaseConnection && isConnectionError(error)) {
        this.#leaseConnection = new Etcd3(toEtcd3Options(this.conn));
        connection.close();
      }
      throw error;
    }
  }

  /** As `leaseCall`, on the liveness connection. */
  private async livenessCall<T>(call: (connection: Etcd3) => Promise<T>): Promise<T> {
    const connection = this.#livenessConnection;
    try {
      return await call(connection);
    } catch (error) {
      if (connection === this.#livenessConnection && isConnectionError(error)) {
        this.#livenessConnection = new Etcd3(toEtcd3Options(this.conn));
        connection.close();
      }
      throw error;
    }
  }

  private opts() {
    return { deadline: new Date(Date.now() + this.conn.callTimeoutMs) };
  }

  private async putOne({ key, value, leaseId }: PutRequest): Promise<void> {
    const put = this.client.put(key).value(value).options(this.opts());
    await this.count('put', leaseId ? put.lease(leaseId).exec() : put.exec(), key);
  }

  /** Puts that queued up together, as one transaction with no condition. */
  private async putMany(puts: PutRequest[]): Promise<void> {
    const success = puts.map(({ key, value, leaseId }) => ({
      request_put: {
        key: Buffer.from(key),
        value: Buffer.from(value),
        ...(leaseId ? { lease: leaseId } : {}),
      },
    }));
    await this.count(
      'put_batch',
      this.client.kv.txn({ compare: [], success, failure: [] }, this.opts()),
      puts.map((put) => put.key).join(', '),
    );
  }

  /** Bulk writes (declarative apply, bulk API): chunks of at most `MAX_TXN_OPS`, one after the other. */
  private async writeBatch(
    writes: readonly KvWrite[],
    onApplied?: (chunk: KvWrite[]) => void,
  ): Promise<void> {
    for (let start = 0; start < writes.length; start += MAX_TXN_OPS) {
      const chunk = writes.slice(start, start + MAX_TXN_OPS);
      const success = chunk.map(toRequestOp);
      const send = () =>
        this.count('txn_batch', this.client.kv.txn({ compare: [], success, failure: [] }, this.opts()));
      try {
        // Puts and deletes are idempotent: a transaction that got no answer (a loaded host missed
        // the deadline, say) or that the client's circuit breaker held back is sent again, twice
        // at most, a second apart (the breaker's half-open delay), before the caller is told.
        for (let attempt = 1; ; attempt++) {
          try {
            await send();
            break;
          } catch (error) {
            if (attempt >= 3 || !(isConnectionError(error) || error instanceof BrokenCircuitError))
              throw error;
            await new Promise((resolve) => setTimeout(resolve, 1000));
          }
        }
      } catch (error) {
        throw new Error(
          `etcd refused a batch of writes: ${start} of ${writes.length} applied (${(error as Error).message})`,
          { cause: error },
        );
      }
      onApplied?.(chunk);
    }
  }

  /** Counts the call; `key` (or prefix) names what etcd refused, when it refuses for permissions. */
  private count<T>(kind: string, call: Promise<T>, key?: string): Promise<T> {
    this.calls.set(kind, (this.calls.get(kind) ?? 0) + 1);
    return this.timed(kind, call).catch((error: unknown) => {
      if (isOutOfSpace(error)) throw new EtcdOutOfSpaceError(error);
      throw key === undefined ? error : namingKey(error, kind, key);
    });
  }

  /** Reports the call's duration, answered or failed, to `onCall`. */
  private timed<T>(kind: string, call: Promise<T>): Promise<T> {
    const started = monotonicNow();
    return call.then(
      (value) => {
        this.onCall(kind, monotonicNow() - started, true);
        return value;
      },
      (error: unknown) => {
        this.onCall(kind, monotonicNow() - started, false);
        throw error;
      },
    );
  }

  private async grant(ttlSeconds: number): Promise<LeaseId> {
    const res = await this.count(
      'lease_grant',
      this.leaseCall((c) => c.leaseClient.leaseGrant({ TTL: ttlSeconds }, this.opts())),
    );
    return res.ID;
  }

  /**
   * One keepalive, tried again on another member within the same deadline when the first cannot
   * be reached: etcd3 retries unary calls that way but not streams, so with one member of three
   * down a third of the keepalives failed.
   */
  private async keepAlive(leaseId: LeaseId): Promise<number> {
    this.calls.set('lease_keepalive', (this.calls.get('lease_keepalive') ?? 0) + 1);
    return this.timed(
      'lease_keepalive',
      retryWithinDeadline((deadline) => this.leaseCall((c) => this.keepAliveOnce(c, leaseId, deadline)), {
        deadline: monotonicNow() + this.conn.callTimeoutMs,
        retryable: isConnectionError,
      }),
    );
  }

  private async keepAliveOnce(connection: Etcd3, leaseId: LeaseId, deadline: number): Promise<number> {
    // grpc takes a wall-clock date: converted at the call, so a clock step meanwhile changes nothing.
    const left = Math.max(0, deadline - monotonicNow());
    const stream = await connection.leaseClient.leaseKeepAlive({ deadline: new Date(Date.now() + left) });
    try {
      const res = await new Promise<{ TTL: string }>((resolve, reject) => {
        stream.on('data', resolve);
        stream.on('error', reject);
        stream.on('end', () => reject(new Error('etcd closed the keepalive stream')));
        stream.write({ ID: leaseId });
      });
      return Number(res.TTL);
    } finally {
      stream.end();
    }
  }

  private async revoke(leaseId: LeaseId): Promise<void> {
    await this.count(
      'lease_revoke',
      this.leaseCall((c) => c.leaseClient.leaseRevoke({ ID: leaseId }, this.opts())),
    );
  }

  /** Campaigns go out together while others are in flight (see `GroupCommit`). */
  private campaign(key: string, holder: string, leaseId: LeaseId): Promise<LockState> {
    const k = Buffer.from(key);
    return this.#lockCalls.call({
      key,
      op: {
        request_txn: {
          compare: [{ key: k, result: 'Equal', target: 'Create', create_revision: 0 }],
          success: [{ request_put: { key: k, value: Buffer.from(holder), lease: leaseId } }],
          failure: [{ request_range: { key: k } }],
        },
      },
      decode: (response, revision): LockState => {
        const txn = response.response_txn;
        if (txn.succeeded) return { holder, leaseId, revision };
        return lockHeldBy(key, txn.responses[0]?.response_range?.kvs[0]);
      },
      single: () => this.campaignOne(key, holder, leaseId),
    }) as Promise<LockState>;
  }

  private async campaignOne(key: string, holder: string, leaseId: LeaseId): Promise<LockState> {
    const res = await this.count(
      'txn',
      this.#lockConnection
        .if(key, 'Create', '==', 0)
        .then(this.#lockConnection.put(key).value(holder).lease(leaseId))
        .else(this.#lockConnection.get(key))
        .options(this.opts())
        .commit(),
      key,
    );
    if (res.succeeded) {
      const revision = res.header.revision;
      return { holder, leaseId, revision };
    }
    return lockHeldBy(key, res.responses[0]?.response_range?.kvs[0]);
  }

  private release(key: string, leaseId: LeaseId): Promise<boolean> {
    const k = Buffer.from(key);
    return this.#lockCalls.call({
      key,
      op: {
        request_txn: {
          compare: [{ key: k, result: 'Equal', target: 'Lease', lease: leaseId }],
          success: [{ request_delete_range: { key: k } }],
          failure: [],
        },
      },
      decode: (response) => response.response_txn.succeeded,
      single: () => this.releaseOne(key, leaseId),
    }) as Promise<boolean>;
  }

  /** Lock calls that queued up together: each a nested transaction of one batch, answered on its own. */
  private async lockBatch(calls: NestedTxnCall[]): Promise<PromiseSettledResult<unknown>[]> {
    const res = await this.count(
      'lock_batch',
      this.#lockConnection.kv.txn({ compare: [], success: calls.map((c) => c.op), failure: [] }, this.opts()),
    );
    return calls.map((call, i): PromiseSettledResult<unknown> => {
      try {
        const response = res.responses[i];
        if (!response)
          throw new Error(`etcd answered ${res.responses.length} of ${calls.length} batched calls`);
        return { status: 'fulfilled', value: call.decode(response, res.header.revision) };
      } catch (reason) {
        return { status: 'rejected', reason };
      }
    });
  }

  private async releaseOne(key: string, leaseId: LeaseId): Promise<boolean> {
    const res = await this.count(
      'txn',
      this.#lockConnection
        .if(key, 'Lease', '==', leaseId)
        .then(this.#lockConnection.delete().key(key))
        .options(this.opts())
        .commit(),
      key,
    );
    return res.succeeded;
  }

  private async readLock(key: string): Promise<LockState | undefined> {
    const res = await this.count('range', this.client.get(key).options(this.opts()).exec(), key);
    const kv = res.kvs[0];
    return kv ? toLockState(kv) : undefined;
  }

  private async watch(prefix: string, handlers: WatchHandlers): Promise<() => Promise<void>> {
    this.calls.set('watch', (this.calls.get('watch') ?? 0) + 1);
    const watcher: Watcher = await this.client.watch().prefix(prefix).create();
    watcher.on('put', (kv) => handlers.onChange({ key: kv.key.toString(), lock: toLockState(kv) }));
    watcher.on('delete', (kv) => handlers.onChange({ key: kv.key.toString(), lock: undefined }));
    followWatchBreaks(watcher, handlers);
    return () => watcher.cancel();
  }
}

/** etcd's default `--max-txn-ops`: more operations in one transaction are refused. */
export const MAX_TXN_OPS = 128;

function toRequestOp(write: KvWrite) {
  if (write.type === 'delete') return { request_delete_range: { key: Buffer.from(write.key) } };
  return {
    request_put: {
      key: Buffer.from(write.key),
      value: Buffer.from(write.value),
      ...(write.leaseId ? { lease: write.leaseId } : {}),
    },
  };
}

/** etcd's answer to a write while its NOSPACE alarm is raised. */
function isOutOfSpace(error: unknown): boolean {
  return error instanceof Error && error.message.includes('database space exceeded');
}

/** A call that never got an answer from etcd (timed out, refused, reset), as opposed to etcd's own error. */
function isConnectionError(error: unknown): boolean {
  // Deadline exceeded and unavailable are etcd3's "recoverable" errors.
  return error instanceof Error && isRecoverableError(castGrpcError(error));
}

/** One put of a status or link record. */
interface PutRequest {
  key: string;
  value: string;
  leaseId?: LeaseId | undefined;
}

/** A lock call that can ride in a batch as a nested transaction (its own compare and branches). */
interface NestedTxnCall {
  key: string;
  op: IRequestOp;
  /** Its answer, from its nested transaction's response and the batch's revision. */
  decode(response: IResponseOp, revision: string): unknown;
  /** The same call on its own. */
  single(): Promise<unknown>;
}

/** The answer of a campaign that found the key: who holds it. */
function lockHeldBy(key: string, kv: IKeyValue | undefined): LockState {
  // Deleted between the compare and the read: the caller campaigns again on the watch event.
  if (!kv) throw new Error(`lock ${key} vanished during the campaign`);
  return toLockState(kv);
}

function toLockState(kv: IKeyValue): LockState {
  return { holder: kv.value.toString(), leaseId: kv.lease, revision: kv.create_revision };
}

/**
 * etcd's "permission denied" names neither the key nor the operation: an operator reading the
 * log could not tell which grant the role lacks. Other errors pass unchanged.
 */
export function namingKey(error: unknown, operation: string, key: string): unknown {
  if (!(error instanceof Error) || !/permission denied/i.test(error.message)) return error;
  const wrapped = new Error(
    `etcd permission denied: ${operation} on ${key}; the etcd user's role needs readwrite on the ${ROOT}/ prefix (README, Security)`,
    { cause: error },
  );
  wrapped.name = error.name;
  return wrapped;
}
