/**
 * V8 flags linkd runs with, in the systemd unit and in `bin/linkd.js`. A VIP daemon keeps a small
 * live heap (about 40 MB with 1000 VIPs) under a steady trickle of garbage from probes, keepalives
 * and reconciles; V8's defaults, sized for throughput, let such a heap grow to several times that
 * before collecting. Measured with 1000 VIPs: resident memory 190–250 MB by default, ~105 MB with
 * these flags, for less idle CPU (see `npm run bench`).
 */
export const LINKD_NODE_FLAGS: readonly string[] = ['--optimize-for-size'];
