import { describe, expect, it } from 'vitest';
import { etcdPreflight } from '../../../src/daemon/etcd-preflight.js';

/** A kv port whose `get` fails with the given messages in turn, then answers. */
function kvFailing(...messages: string[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    kv: {
      get: async () => {
        const message = messages[calls++];
        if (message !== undefined) throw new Error(message);
        return undefined;
      },
    },
  };
}

const BAD_CERT =
  '14 UNAVAILABLE: No connection established. Last error: error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate';

describe('etcdPreflight', () => {
  it('a first call that only timed out does not hide a certificate etcd refuses', async () => {
    const etcd = kvFailing(
      '4 DEADLINE_EXCEEDED: Deadline exceeded after 0.018s,waiting for name resolution',
      BAD_CERT,
    );
    const result = await etcdPreflight(etcd, { pauseMs: 1 });
    expect(result.fatal).toMatch(/^TLS with etcd failed \(--etcd-cert \/ --etcd-key \/ --etcd-ca\)/);
    expect(etcd.calls).toBe(2);
  });

  it('a wrong password is fatal at once', async () => {
    const etcd = kvFailing(
      '3 INVALID_ARGUMENT: etcdserver: authentication failed, invalid user ID or password',
    );
    const result = await etcdPreflight(etcd, { pauseMs: 1 });
    expect(result.fatal).toMatch(/--etcd-password/);
    expect(etcd.calls).toBe(1);
  });

  it('an etcd that stays away is not fatal: the agent starts and retries', async () => {
    const refused =
      '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 10.0.0.1:2379';
    const etcd = kvFailing(refused, refused, refused, refused);
    const result = await etcdPreflight(etcd, { pauseMs: 1 });
    expect(result).toEqual({ ok: false, detail: `Error: ${refused}` });
    expect(etcd.calls).toBe(3);
  });

  it('answers ok once etcd answers', async () => {
    const etcd = kvFailing('4 DEADLINE_EXCEEDED: Deadline exceeded');
    expect(await etcdPreflight(etcd, { pauseMs: 1 })).toEqual({ ok: true });
  });
});
