import type { LeaseId } from '../ports/coordination.js';

export interface PutRequest {
  key: string;
  value: string;
  leaseId?: LeaseId | undefined;
}

export interface PutBatcherOptions {
  /** One put on its own, as before. */
  single: (put: PutRequest) => Promise<void>;
  /** Several puts in one etcd transaction (all or nothing). */
  many: (puts: PutRequest[]) => Promise<void>;
  /** etcd's --max-txn-ops (default 128). */
  maxOps?: number;
  /** Calls in flight at once; puts asked for meanwhile wait and go together. */
  concurrency?: number;
}

interface Pending {
  put: PutRequest;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for etcd puts. Each gRPC call costs the agent far more CPU than etcd spends on a
 * put, and a failover of hundreds of VIPs writes a status record or two for each: while
 * `concurrency` calls are in flight, further puts wait and then go out together in one
 * transaction. A lone put goes out at once, so nothing waits when the agent is quiet. If a
 * transaction fails (a lease that expired, say, fails all of it), its puts are tried one by one
 * so that each caller gets its own answer.
 */
export class PutBatcher {
  readonly #pending: Pending[] = [];
  readonly #maxOps: number;
  readonly #concurrency: number;
  #inFlight = 0;

  constructor(private readonly options: PutBatcherOptions) {
    this.#maxOps = options.maxOps ?? 128;
    this.#concurrency = options.concurrency ?? 4;
  }

  put(put: PutRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ put, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#concurrency && this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#maxOps);
      this.#inFlight += 1;
      void this.#send(batch).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
      });
    }
  }

  async #send(batch: Pending[]): Promise<void> {
    if (batch.length > 1) {
      try {
        await this.options.many(batch.map((p) => p.put));
        for (const p of batch) p.resolve();
        return;
      } catch {
        // One by one below, each with its own outcome.
      }
    }
    await Promise.all(
      batch.map((p) =>
        this.options.single(p.put).then(
          () => p.resolve(),
          (error: unknown) => p.reject(error),
        ),
      ),
    );
  }
}
