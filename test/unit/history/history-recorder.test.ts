import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { TransitionRecord } from '../../../src/agent/agent-service.js';
import { createApp } from '../../../src/api/app.js';
import { serveApp } from '../../../src/api/serve.js';
import { runClient } from '../../../src/cli/client/program.js';
import { HistoryRecorder, matches } from '../../../src/history/history-recorder.js';
import type { HistoryPort, HistoryQuery } from '../../../src/ports/history.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { FakeAgent } from '../../fakes/fake-agent.js';

const ID = 'vip-00000000-0000-0000-0000-000000000001';
const record = (at: number, hostname = 'h1'): TransitionRecord => ({
  at,
  endpointId: ID,
  electionKey: '10.0.0.1_32',
  hostname,
  from: 'STANDBY',
  to: 'ACTIVATED',
  event: 'elected',
  cause: `at ${at}`,
});

/** An in-memory store that can refuse, as etcd away does. */
class MemoryHistory implements HistoryPort {
  readonly records: TransitionRecord[] = [];
  appends = 0;
  down = false;
  async append(records: readonly TransitionRecord[]): Promise<void> {
    if (this.down) throw new Error('etcd unreachable (fake)');
    this.appends += 1;
    this.records.push(...records);
  }
  async query(query: HistoryQuery): Promise<TransitionRecord[]> {
    if (this.down) throw new Error('etcd unreachable (fake)');
    return this.records.filter((r) => matches(r, query)).slice(-query.limit);
  }
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function setup() {
  const clock = new SimulatedClock();
  const store = new MemoryHistory();
  const local: TransitionRecord[] = [];
  const recorder = new HistoryRecorder({
    store,
    clock,
    logger: silentLogger,
    flushMs: 250,
    local: (q) => local.filter((r) => matches(r, q)),
  });
  return { clock, store, local, recorder };
}

describe('HistoryRecorder', () => {
  it('writes a burst of transitions in one call, after the flush delay', async () => {
    const { clock, store, recorder } = setup();
    for (let i = 0; i < 300; i++) recorder.add(record(i));
    expect(store.appends).toBe(0);
    // Not written yet, but already read back.
    expect((await recorder.query({ limit: 1000 })).history).toHaveLength(300);
    clock.increment(250);
    await settle();
    expect(store.appends).toBe(1);
    expect(store.records).toHaveLength(300);
    expect((await recorder.query({ limit: 1000 })).history).toHaveLength(300);
  });

  it('keeps transitions while etcd is away and writes them, in order, when it returns', async () => {
    const { clock, store, local, recorder } = setup();
    store.down = true;
    local.push(record(1));
    recorder.add(record(1));
    clock.increment(250);
    await settle();
    recorder.add(record(2));
    expect(await recorder.query({ limit: 10 })).toEqual({ history: [record(1)], source: 'local' });
    store.down = false;
    clock.increment(1000);
    await settle();
    clock.increment(250);
    await settle();
    expect(store.records.map((r) => r.at)).toEqual([1, 2]);
  });
});

describe('GET /history', () => {
  it('reads the durable history with its filters, and names a bad parameter', async () => {
    const { recorder, clock } = setup();
    recorder.add(record(1000, 'h1'));
    recorder.add(record(2000, 'h2'));
    recorder.add(record(3000, 'h2'));
    clock.increment(250);
    await settle();
    const app = createApp({ agent: new FakeAgent(), history: recorder });
    const get = async (path: string) => {
      const res = await app.request(path);
      return {
        status: res.status,
        body: (await res.json()) as { history?: TransitionRecord[]; error?: string },
      };
    };
    expect((await get('/history')).body).toMatchObject({ source: 'etcd' });
    expect((await get('/history?host=h2&limit=1')).body.history?.map((r) => r.at)).toEqual([3000]);
    expect((await get('/history?since=1970-01-01T00:00:02.000Z')).body.history?.map((r) => r.at)).toEqual([
      2000, 3000,
    ]);
    expect((await get(`/history?endpoint=${ID}&since=2500`)).body.history).toHaveLength(1);
    expect(await get('/history?limit=0')).toMatchObject({ status: 400, body: { error: /limit/ } });
    expect(await get('/history?since=yesterday')).toMatchObject({ status: 400, body: { error: /since/ } });
    expect(await get('/history?host=a/b')).toMatchObject({ status: 400, body: { error: /host/ } });
  });
});

describe('link-client history', () => {
  it('prints the transitions of every host, filtered by endpoint and host', async () => {
    const { recorder } = setup();
    recorder.add({ ...record(1000, 'h1'), ip: '10.0.0.1/32' });
    recorder.add({ ...record(2000, 'h2'), ip: '10.0.0.1/32' });
    const server = await serveApp(createApp({ agent: new FakeAgent(), history: recorder }), {
      listen: { host: '127.0.0.1', port: 0 },
    });
    try {
      let stdout = '';
      const io = {
        stdout: (t: string) => {
          stdout += t;
        },
        stderr: () => {},
      };
      const env = { LINK_HOST: `127.0.0.1:${server.port}` };
      expect(await runClient(['history', ID, '--hostname', 'h2'], io, env)).toBe(0);
      expect(stdout.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^1970-01-01T00:00:02.000Z h2\s+10\.0\.0\.1\/32\s+STANDBY -> ACTIVATED\s+at 2000$/,
        ),
      ]);
    } finally {
      await server.close();
    }
  });
});
