import { keys } from '../model/keys.js';
import type { LivenessStorePort } from '../ports/liveness.js';

/**
 * How long any claim ended early could still be alive, in ms (0: none). Each record under
 * `/link/ended/` rides a lease granted, just before the revoke, for longer than the revoked lease
 * had left, so its remaining TTL bounds the previous holder's own deadline from above.
 */
export async function endedClaimHoldOff(store: LivenessStorePort): Promise<number> {
  const records = await store.list(keys.endedPrefix);
  let longest = 0;
  for (const record of records) {
    const ttl = await store.timeToLive(record.leaseId);
    longest = Math.max(longest, ttl * 1000);
  }
  return longest;
}
