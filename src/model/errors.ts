/** Domain errors: the API maps each to a status code, the CLI prints its message. */
export class LinkError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class EndpointNotFoundError extends LinkError {
  constructor(readonly id: string) {
    super(`endpoint ${id} not found`);
  }
}

/** The same election key (IP) is already configured on this host. */
export class DuplicateEndpointError extends LinkError {
  constructor(
    readonly ip: string,
    readonly existingId: string,
  ) {
    super(`IP ${ip} is already configured on this host as endpoint ${existingId}`);
  }
}

/** The address may not be taken as a VIP on this host (see vip-range-policy.ts). */
export class VipRefusedError extends LinkError {
  constructor(
    readonly ip: string,
    readonly reason: string,
  ) {
    super(`IP ${ip} refused: ${reason}`);
  }
}

export class TooManyEndpointsError extends LinkError {
  constructor(readonly max: number) {
    super(`too many endpoints configured: the limit is ${max} (--max-endpoints)`);
  }
}

/** Failover asked of a host that does not hold the VIP, or with no other host to take it. */
export class FailoverRefusedError extends LinkError {}

/** A drain that would leave a VIP without a holder: no other host could take it. */
export class DrainRefusedError extends LinkError {}

/** etcd raised its NOSPACE alarm: it refuses every write until an operator frees space. */
export class EtcdOutOfSpaceError extends LinkError {
  constructor(cause: unknown) {
    super(
      'etcd is out of space (NOSPACE alarm) and refuses writes: compact and defragment it, then run `etcdctl alarm disarm`',
      { cause },
    );
  }
}

/** The agent is shutting down and accepts no more writes. */
export class ShuttingDownError extends LinkError {
  constructor() {
    super('the agent is shutting down');
  }
}

/** A request of many endpoint writes refused as a whole; `errors` lists every reason, by item. */
export class ChangesRefusedError extends LinkError {
  constructor(readonly errors: Record<string, string[]>) {
    const count = Object.values(errors).reduce((n, list) => n + list.length, 0);
    super(`${count} problem${count === 1 ? '' : 's'} in the request; nothing was changed`);
  }
}

/** Part of a request of many endpoint writes was applied before etcd refused the rest. */
export class ChangesIncompleteError extends LinkError {}
