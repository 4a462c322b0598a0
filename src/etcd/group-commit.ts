export interface GroupCommitOptions<C, A> {
  /** One call on its own: a lone call goes out as before, and a batch refused for one call is retried call by call. */
  single(call: C): Promise<A>;
  /** Several calls in one etcd transaction; each call's own outcome, in order. */
  many(calls: C[]): Promise<PromiseSettledResult<A>[]>;
  /** The key a call writes: a batch holds each key once, as etcd refuses a transaction that writes one twice. */
  keyOf(call: C): string;
  /**
   * Whether a failed batch's error is one each call would meet alone (etcd unreachable, slow or
   * overloaded): it is then every call's answer. Any other (a lease gone, a key not permitted: one
   * call fails the whole transaction) has the calls tried one by one, so each gets its own answer.
   */
  failsEveryCall(error: unknown): boolean;
  /** Calls per transaction, under etcd's --max-txn-ops (default 128). */
  maxCalls?: number;
  /** Transactions in flight at once; calls asked for meanwhile wait and go together (default 4). */
  concurrency?: number;
}

interface Pending<C, A> {
  call: C;
  resolve: (answer: A) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for etcd calls. Each gRPC call costs the agent far more CPU than etcd spends on
 * it, and thousands of VIPs starting together (or taking over a crashed host's, or writing a
 * status record each) were thousands of calls: while `concurrency` transactions are in flight,
 * further calls wait and then go out together in one. A lone call goes out at once, so nothing
 * waits when the agent is quiet.
 */
export class GroupCommit<C, A> {
  readonly #pending: Pending<C, A>[] = [];
  readonly #maxCalls: number;
  readonly #concurrency: number;
  #inFlight = 0;

  constructor(private readonly options: GroupCommitOptions<C, A>) {
    this.#maxCalls = options.maxCalls ?? 128;
    this.#concurrency = options.concurrency ?? 4;
  }

  call(call: C): Promise<A> {
    return new Promise<A>((resolve, reject) => {
      this.#pending.push({ call, resolve, reject });
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

  /** Up to `maxCalls` waiting calls on distinct keys, oldest first; a repeated key waits for the next batch. */
  #take(): Pending<C, A>[] {
    const batch: Pending<C, A>[] = [];
    const keys = new Set<string>();
    for (let i = 0; i < this.#pending.length && batch.length < this.#maxCalls; ) {
      const pending = this.#pending[i] as Pending<C, A>;
      const key = this.options.keyOf(pending.call);
      if (keys.has(key)) {
        i++;
        continue;
      }
      keys.add(key);
      batch.push(pending);
      this.#pending.splice(i, 1);
    }
    return batch;
  }

  async #send(batch: Pending<C, A>[]): Promise<void> {
    const alone = () =>
      Promise.all(batch.map((p) => this.options.single(p.call).then(p.resolve, p.reject))).then(() => {});
    if (batch.length === 1) return alone();
    let outcomes: PromiseSettledResult<A>[];
    try {
      outcomes = await this.options.many(batch.map((p) => p.call));
    } catch (error) {
      if (!this.options.failsEveryCall(error)) return alone();
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome?.status === 'fulfilled') pending.resolve(outcome.value);
      else
        pending.reject(
          outcome
            ? outcome.reason
            : new Error(`etcd answered ${outcomes.length} of ${batch.length} batched calls`),
        );
    });
  }
}
