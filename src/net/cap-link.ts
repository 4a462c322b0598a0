import capModule, { type CapInstance } from 'cap';
import type { FrameLink, FrameLinkOpener } from './frame-link.js';
import { readInterfaceInfo } from './interface-info.js';
import { NetError } from './net-error.js';

const { Cap } = capModule;

/** Only what conflict detection reads; everything else stays in the kernel. */
const FILTER = 'arp or icmp6';
/** libpcap's kernel buffer: ARP/NDP bursts are tiny, 1 MiB absorbs a storm without drops. */
const KERNEL_BUFFER = 1024 * 1024;
/** cap copies each frame into this buffer before its `packet` event (snaplen is fixed at 65535). */
const FRAME_BUFFER = 65535;

/**
 * A failed `Cap#open` leaves the native object half-initialised, and its destructor aborts the
 * process when it is garbage collected. Keeping such objects reachable avoids that; there are as
 * many as failed opens, each a few hundred bytes.
 */
const failedHandles: CapInstance[] = [];

/**
 * Opens a libpcap handle on `iface` (needs CAP_NET_RAW). Opening costs 15-20 ms and closing ~20 ms,
 * so callers share one per interface. libpcap puts the interface in promiscuous mode; the BPF
 * filter keeps that from reaching user space.
 */
export const openCapLink: FrameLinkOpener = async (iface) => {
  // Checked first: it gives a clear error for a missing interface or one without a MAC, and
  // keeps `Cap#open` from failing in the way described above.
  const info = await readInterfaceInfo(iface);
  const cap = new Cap();
  const buffer = Buffer.alloc(FRAME_BUFFER);
  let linkType: string;
  try {
    linkType = cap.open(iface, FILTER, KERNEL_BUFFER, buffer);
  } catch (error) {
    failedHandles.push(cap);
    throw new NetError(
      `could not open a capture handle on ${iface}: gratuitous ARP needs root or CAP_NET_RAW`,
      { cause: error },
    );
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

  const link: FrameLink = {
    iface,
    mac: info.mac,
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
  return link;
};
