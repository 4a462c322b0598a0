/**
 * A raw Ethernet endpoint on one interface: send frames, see the ARP and NDP frames that pass.
 * The announcer talks to this instead of libpcap, so its logic is testable without root.
 */
export interface FrameLink {
  readonly iface: string;
  /** Our MAC and the interface index, read when the link was opened. */
  readonly mac: string;
  readonly index: number;
  /** Sends frames back to back; rejects when they could not be sent (interface down or gone). */
  send(frames: readonly Buffer[]): Promise<void>;
  /**
   * Called for each received ARP or NDP frame. The buffer may be reused for the next frame: read
   * it during the call, copy it to keep it.
   */
  onFrame(listener: (frame: Buffer) => void): void;
  /** Called once if the link ends by itself rather than by `close()`. */
  onLost(listener: (reason: Error) => void): void;
  close(): void;
}

export type FrameLinkOpener = (iface: string) => Promise<FrameLink>;
