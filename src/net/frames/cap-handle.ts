import capModule, { type CapInstance } from 'cap';
import { NetError } from '../net-error.js';

const { Cap } = capModule;

/**
 * libpcap's kernel ring. Every frame takes a snaplen-sized (64 KiB) share of it, not its own size:
 * measured across a veth pair, 1 MiB let half of a 600-frame burst through (300 VIPs taken at once,
 * two shapes each) and 4 MiB 70 % of 2000 frames; 32 MiB keeps all of 1000 VIPs' burst with room
 * for a slow reader. A dropped claim means a holder that does not defend.
 */
const KERNEL_BUFFER = 32 * 1024 * 1024;
/** cap copies each frame into this buffer before its `packet` event (snaplen is fixed at 65535). */
const FRAME_BUFFER = 65535;

/**
 * A failed `Cap#open` leaves the native object half-initialised, and its destructor aborts the
 * process when it is garbage collected. Keeping such objects reachable avoids that; there are as
 * many as failed opens, each a few hundred bytes.
 */
const failedHandles: CapInstance[] = [];

export interface CapHandle {
  /** Throws with libpcap's message (e.g. `Network is down`). */
  send(frame: Buffer): void;
  /** The buffer is reused for the next frame: read it during the call. */
  onFrame(listener: (frame: Buffer) => void): void;
  close(): void;
}

/**
 * An in-process libpcap handle on `iface` (needs CAP_NET_RAW), in promiscuous mode with a BPF
 * filter so only ARP and NDP reach JavaScript. cap aborts the whole process when the interface
 * goes down under an open handle (an assertion on the poll status), so only the frame worker
 * process uses this; see cap-link.ts.
 */
export function openCapHandle(iface: string, filter: string): CapHandle {
  const cap = new Cap();
  const buffer = Buffer.alloc(FRAME_BUFFER);
  let linkType: string;
  try {
    linkType = cap.open(iface, filter, KERNEL_BUFFER, buffer);
  } catch (error) {
    failedHandles.push(cap);
    const reason = error instanceof Error ? error.message : String(error);
    const hint = /not up/i.test(reason)
      ? 'the interface is down; announcing resumes once it is up'
      : /permi|not permitted/i.test(reason)
        ? 'gratuitous ARP needs root or CAP_NET_RAW'
        : 'check the interface with `ip link`';
    throw new NetError(`could not open a capture handle on ${iface} (${reason}): ${hint}`, { cause: error });
  }
  if (linkType !== 'ETHERNET') {
    cap.close();
    throw new NetError(`interface ${iface} is not Ethernet (libpcap link type ${linkType}): choose another`);
  }

  const listeners: ((frame: Buffer) => void)[] = [];
  let open = true;
  cap.on('packet', (nbytes: number) => {
    const frame = buffer.subarray(0, nbytes);
    for (const listener of listeners) listener(frame);
  });
  return {
    send(frame) {
      // The native send dereferences a closed handle: refuse here instead of crashing.
      if (!open) throw new NetError(`capture handle on ${iface} is closed`);
      try {
        cap.send(frame, frame.length);
      } catch (error) {
        throw new NetError(`could not send on ${iface}: is the interface up? (\`ip link show ${iface}\`)`, {
          cause: error,
        });
      }
    },
    onFrame(listener) {
      listeners.push(listener);
    },
    close() {
      if (!open) return;
      open = false;
      listeners.length = 0;
      cap.close();
    },
  };
}
