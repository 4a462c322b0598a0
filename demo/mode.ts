import type { DemoOptions } from './options.js';
import { warn } from './say.js';

/** Lab mode needs root; without it the demo explains why and runs the dry-run mode instead. */
export function chooseMode(options: DemoOptions): 'lab' | 'dry-run' {
  if (options.dryRun) return 'dry-run';
  if (process.getuid?.() === 0) return 'lab';
  warn('The full demo needs root: it creates network namespaces, veth pairs and a bridge, binds the');
  warn('VIP with iproute2 and sends gratuitous ARP through libpcap, all of which Linux reserves to root');
  warn('(CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN). For that, run: sudo npm run demo');
  warn('Running the dry-run mode instead (same as --dry-run): three agents on loopback with');
  warn('LINK_DRY_RUN=true and the same embedded etcd. Election, API and live view are real; nothing');
  warn('is bound, so there is no client outage to measure, only the takeover times.');
  return 'dry-run';
}
