import type { IRequestOp, IResponseOp } from 'etcd3';

/** One conditional call (a campaign, a release) that can ride in a batch as a nested transaction. */
export interface BatchedCall<T> {
  /** The key it writes: a batch holds each key once, as etcd refuses a transaction that writes one twice. */
  key: string;
  /** The call as a nested transaction (its own compare, success and failure). */
  op: IRequestOp;
  /** Its answer, from its nested transaction's response and the batch's revision. */
  decode(response: IResponseOp, revision: string): T;
  /** The same call on its own: a lone call goes out as before, and a refused batch is retried call by call. */
  single(): Promise<T>;
}

export interface TxnBatcherOptions {
  /** One transaction whose success branch is `ops`, with no compare; resolves each op's response. */
  send(ops: IRequestOp[]): Promise<{ responses: IResponseOp[]; revision: string }>;
  /**
   * Whether a failed batch's error is one each call would meet alone (etcd unreachable, slow or
   * overloaded): it is then every call's answer. Any other (a lease gone, a key not permitted: one
   * call fails the whole transaction) has the calls tried one by one, so each gets its own answer.
   */
  failsEveryCall(error: unknown): boolean;
  /** Calls per transaction, under etcd's --max-txn-ops (default 128). */
  maxOps?: number;
  /** Transactions in flight at once; calls asked for meanwhile wait and go together. */
  concurrency?: number;
}

interface Pending {
  // biome-ignore lint/suspicious/noExplicitAny: each pending call keeps its own answer type
  call: BatchedCall<any>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for lock calls. A VIP's campaign is a transaction of its own (create the key if
 * absent, else read it), so thousands of VIPs starting together, or taking over a crashed host's,
 * were thousands of transactions: at 10 000 VIPs the agents' gRPC work, not etcd, set the pace
 * (about 90 campaigns a second per agent). While `concurrency` transactions are in flight, further
 * calls wait and then go out together, each as a nested transaction of one batch: every call keeps
 * its own condition and its own answer. A lone call goes out at once, as before.
 */
export class TxnBatcher {
  readonly #pending: Pending[] = [];
  readonly #maxOps: number;
  readonly #concurrency: number;
  #inFlight = 0;

  constructor(private readonly options: TxnBatcherOptions) {
    this.#maxOps = options.maxOps ?? 64;
    this.#concurrency = options.concurrency ?? 4;
  }

  call<T>(call: BatchedCall<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ call, resolve: resolve as (value: unknown) => void, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#concurrency && this.#pending.length > 0) {
      const batch = this.#take();
      this.#inFlight += 1;
      void this.#send(batch).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
      });
    }
  }

  /** Up to `maxOps` waiting calls on distinct keys, oldest first; a repeated key waits for the next batch. */
  #take(): Pending[] {
    const batch: Pending[] = [];
    const keys = new Set<string>();
    for (let i = 0; i < this.#pending.length && batch.length < this.#maxOps; ) {
      const pending = this.#pending[i] as Pending;
      if (keys.has(pending.call.key)) {
        i++;
        continue;
      }
      keys.add(pending.call.key);
      batch.push(pending);
      this.#pending.splice(i, 1);
    }
    return batch;
  }

  async #send(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      const [only] = batch as [Pending];
      await only.call.single().then(only.resolve, only.reject);
      return;
    }
    let answer: Awaited<ReturnType<TxnBatcherOptions['send']>>;
    try {
      answer = await this.options.send(batch.map((p) => p.call.op));
    } catch (error) {
      if (this.options.failsEveryCall(error)) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      await Promise.all(batch.map((p) => p.call.single().then(p.resolve, p.reject)));
      return;
    }
    batch.forEach((pending, i) => {
      const response = answer.responses[i];
      try {
        if (!response)
          throw new Error(`etcd answered ${answer.responses.length} of ${batch.length} batched calls`);
        pending.resolve(pending.call.decode(response, answer.revision));
      } catch (error) {
        pending.reject(error);
      }
    });
  }
}
