/**
 * Typings for `cap` 0.2 (libpcap binding), which ships none. Only the default export exists at
 * runtime from ESM (`module.exports = addon`), so classes are reached through it:
 * `import capModule from 'cap'; const { Cap } = capModule;`.
 */
declare module 'cap' {
  import type { EventEmitter } from 'node:events';

  /** `ETHERNET` for Ethernet-like devices; an explanatory string for unknown link types. */
  export type CapLinkType =
    | 'ETHERNET'
    | 'NULL'
    | 'IEEE802_11_RADIO'
    | 'LINKTYPE_LINUX_SLL'
    | 'RAW'
    | (string & {});

  export interface CapDeviceAddress {
    addr: string;
    netmask?: string;
    broadaddr?: string;
  }

  export interface CapDevice {
    name: string;
    description?: string;
    addresses: CapDeviceAddress[];
    flags?: string;
  }

  export interface CapInstance extends EventEmitter {
    /**
     * Opens `device` in promiscuous mode with a BPF `filter`; each captured frame is copied into
     * `buffer` before a `packet` event. Throws on failure.
     */
    open(device: string, filter: string, bufSize: number, buffer: Buffer): CapLinkType;
    /** Stops capturing; returns whether a handle was open. Sending afterwards crashes the process. */
    close(): boolean;
    /** Sends a raw frame; throws with libpcap's message on failure. */
    send(buffer: Buffer, nBytes?: number): void;
    /** Windows only. */
    setMinBytes?(nBytes: number): void;
    on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): this;
  }

  export interface CapConstructor {
    new (): CapInstance;
    findDevice(ip?: string): string | undefined;
    deviceList(): CapDevice[];
  }

  const cap: {
    Cap: CapConstructor;
    decoders: Record<string, unknown>;
  };
  export default cap;
}
