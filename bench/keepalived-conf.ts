export interface KeepalivedConfOptions {
  routerId: string;
  interface: string;
  vip: string;
  virtualRouterId: number;
  priority: number;
  /** Executable that exits 0 while the local backend answers. */
  checkScript: string;
  /** VRRP version (default 2) and advertisement interval in seconds (default 1; below 1 needs v3). */
  vrrpVersion?: 2 | 3;
  advertInt?: number;
}

/**
 * keepalived.conf as its users write it for one VIP: VRRP with advert_int 1 (or VRRPv3 with a
 * sub-second one, keepalived's fastest), distinct priorities
 * (the default preemption moves the VIP back to the highest one), and a vrrp_script that tracks
 * the local backend every second with fall 2 / rise 1 (weight 0: a failing check puts the
 * instance in FAULT, which releases the VIP). GARP settings are keepalived's defaults (5 at once,
 * 5 more after 5 s).
 */
export function keepalivedConf(o: KeepalivedConfOptions): string {
  return `global_defs {
  router_id ${o.routerId}
  script_user root${o.vrrpVersion === 3 ? '\n  vrrp_version 3' : ''}
}

vrrp_script chk_backend {
  script "${o.checkScript}"
  interval 1
  timeout 1
  fall 2
  rise 1
}

vrrp_instance VI_1 {
  state BACKUP
  interface ${o.interface}
  virtual_router_id ${o.virtualRouterId}
  priority ${o.priority}
  advert_int ${o.advertInt ?? 1}
  virtual_ipaddress {
    ${o.vip} dev ${o.interface}
  }
  track_script {
    chk_backend
  }
}
`;
}

/** The track script: a TCP connect to the backend, as the common `</dev/tcp/HOST/PORT` idiom. */
export function checkScript(host: string, port: number): string {
  return `#!/bin/bash\nexec 3<>/dev/tcp/${host}/${port}\n`;
}
