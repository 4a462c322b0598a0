import { connect } from 'node:net';
import type { HostProbePort } from '../../ports/liveness.js';

/**
 * A TCP SYN to a peer's probe port: a listening socket answers with SYN-ACK, a closed port with a
 * RST, both from the peer's kernel, so a host whose agent is paused or starved still answers. Only
 * silence (or an unreachable route) counts against it. Aim at a port nothing listens on: a paused
 * listener's backlog fills up, and then its kernel stops answering.
 */
export const tcpHostProbe: HostProbePort = {
  probe: (address, port, timeoutMs) =>
    new Promise((resolve) => {
      let settled = false;
      const socket = connect({ host: address, port });
      const finish = (answered: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(answered);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      socket.once('connect', () => finish(true));
      socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code === 'ECONNREFUSED'));
    }),
};
