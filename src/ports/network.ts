/**
 * The host network port, in the spirit of vip-manager's four-method IP configurer: whether the VIP
 * is bound, bind it, unbind it, and announce it to neighbours.
 */
export interface AddressPort {
  /** `cidr` is the VIP with its prefix, e.g. `10.0.0.10/32` or `fd00::10/128`. */
  has(cidr: string): Promise<boolean>;
  add(cidr: string): Promise<void>;
  remove(cidr: string): Promise<void>;
}

export interface AnnounceOptions {
  /** Frames sent back to back per round (both shapes count as one). */
  count: number;
  /** Time between rounds, in ms. */
  intervalMs: number;
}

export interface Conflict {
  ip: string;
  /** The other station's MAC that claimed our VIP. */
  mac: string;
}

export interface AnnouncerPort {
  /** Sends one round of gratuitous ARP (IPv4) or unsolicited neighbour advertisement (IPv6). */
  announce(ip: string): Promise<void>;
  /**
   * Asks the segment whether a station already has `ip`, claiming nothing: an ARP probe (sender
   * IP 0.0.0.0, RFC 5227) or a DAD neighbour solicitation (source ::, RFC 4862). A station that
   * has it answers, and `watchConflicts` reports that answer.
   */
  probe(ip: string): Promise<void>;
  /** Reports frames from another MAC that claim `ip`; returns an unsubscribe. */
  watchConflicts(ip: string, onConflict: (conflict: Conflict) => void): () => void;
  /**
   * Reports this host's own frames seen leaving that claim a watched address (its kernel's ARP
   * requests and answers with the VIP as sender: neighbours update on them too), in the order
   * the interface carried them; returns an unsubscribe.
   */
  watchOwnClaims?(listener: (ip: string) => void): () => void;
}

export interface LinkState {
  /** Carrier present and the interface up. */
  up: boolean;
  /** Why, for the VIP's last fault: e.g. `eth0: NO-CARRIER (operstate DOWN)`. */
  detail: string;
}

/** The VIP interface's link, watched once per interface and shared by every VIP on it. */
export interface LinkStatePort {
  /** Calls `listener` with the current state (once known) and every change; returns an unsubscribe. */
  watch(listener: (state: LinkState) => void): () => void;
}
