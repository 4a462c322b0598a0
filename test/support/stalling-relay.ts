import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on loopback whose open connections can be stalled: bytes stop flowing both ways
 * but no socket closes, like a connection that lost its packets in a partition. Connections
 * opened after `stall()` flow normally.
 */
export class StallingRelay {
  readonly #server: Server;
  readonly #open = new Set<{ inbound: Socket; outbound: Socket }>();
  /** Connections accepted since the start. */
  accepted = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(target: { host: string; port: number }): Promise<StallingRelay> {
    const server = createServer();
    const relay = new StallingRelay(server);
    server.on('connection', (inbound) => relay.#relay(inbound, target));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Stops the flow on every connection open now. */
  stall(): void {
    for (const pair of this.#open) {
      pair.inbound.unpipe(pair.outbound);
      pair.outbound.unpipe(pair.inbound);
      pair.inbound.pause();
      pair.outbound.pause();
    }
  }

  /** Closes every connection open now, as a network that dropped them; new ones flow. */
  reset(): void {
    for (const pair of this.#open) {
      pair.inbound.destroy();
      pair.outbound.destroy();
    }
  }

  async close(): Promise<void> {
    for (const pair of this.#open) {
      pair.inbound.destroy();
      pair.outbound.destroy();
    }
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #relay(inbound: Socket, target: { host: string; port: number }): void {
    this.accepted += 1;
    const outbound = connect(target.port, target.host);
    const pair = { inbound, outbound };
    this.#open.add(pair);
    const end = () => {
      inbound.destroy();
      outbound.destroy();
      this.#open.delete(pair);
    };
    for (const socket of [inbound, outbound]) {
      socket.on('error', end);
      socket.on('close', end);
    }
    inbound.pipe(outbound).pipe(inbound);
  }
}
