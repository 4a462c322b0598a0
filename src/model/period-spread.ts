/**
 * A period of about `baseMs` that differs per key (within ±`fraction`), the same on every call:
 * VIPs created together, each checking itself every interval, would otherwise all do it in the
 * same instant, every interval, for as long as they run. Deterministic (FNV-1a of the key: the
 * VIP's address, not its random id), so simulated-time tests see the same timers every run.
 */
export function periodSpread(key: string, baseMs: number, fraction = 0.25): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  const unit = (hash >>> 0) / 0x1_0000_0000;
  return Math.round(baseMs * (1 - fraction + 2 * fraction * unit));
}
