/**
 * A raw Ethernet endpoint on one interface: send frames, see the ARP and NDP frames that pass.
 * The announcer talks to this instead of `cap`, so its logic is testable without root.
 */
export interface FrameLink {
  readonly iface: string;
  /** Our MAC on this interface, read when the link was opened. */
  readonly mac: string;
  /** Throws when the frame cannot be sent (interface down or gone). */
  send(frame: Buffer): void;
  /**
   * Called for each received ARP or ICMPv6 frame. The buffer is reused for the next frame: read it
   * during the call, copy it to keep it.
   */
  onFrame(listener: (frame: Buffer) => void): void;
  close(): void;
}

export type FrameLinkOpener = (iface: string) => Promise<FrameLink>;
