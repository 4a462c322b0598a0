import { afterAll, describe, expect, it } from 'vitest';
import { ExecFailure, ExecThread, execHere } from '../../../../src/net/address/exec-thread.js';
import { createIpRunner, IpCommandError } from '../../../../src/net/address/ip-command.js';

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

describe('ExecThread: commands started from a worker thread', () => {
  const thread = new ExecThread();
  afterAll(() => thread.close());

  it('answers stdout, feeds stdin, and many at once', async () => {
    expect((await thread.exec({ file: 'echo', args: ['hello'], timeoutMs: 5000, env })).stdout).toBe(
      'hello\n',
    );
    expect((await thread.exec({ file: 'cat', args: [], input: 'a\nb\n', timeoutMs: 5000, env })).stdout).toBe(
      'a\nb\n',
    );
    const many = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        thread.exec({ file: 'echo', args: [String(i)], timeoutMs: 5000, env }),
      ),
    );
    expect(many.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });

  it('reports failures as execFile does: exit code and stderr, missing binary, timeout', async () => {
    const exit = await thread
      .exec({ file: 'sh', args: ['-c', 'echo oops >&2; exit 3'], timeoutMs: 5000, env })
      .catch((e: unknown) => e);
    expect(exit).toBeInstanceOf(ExecFailure);
    expect(exit).toMatchObject({ code: 3, stderr: 'oops\n', killed: false });
    const missing = await thread
      .exec({ file: 'no-such-binary-here', args: [], timeoutMs: 5000, env })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'ENOENT' });
    const slow = await thread
      .exec({ file: 'sleep', args: ['5'], timeoutMs: 100, env })
      .catch((e: unknown) => e);
    expect(slow).toMatchObject({ killed: true });
  });

  it("keeps process start-up off the caller's event loop", async () => {
    // Starting a process blocks its thread until the child has exec'd. Here, that is the caller's
    // own time; from the worker, the caller only posts a message.
    const blocked = async (exec: typeof execHere) => {
      const started = performance.now();
      const runs = Array.from({ length: 40 }, () => exec({ file: 'true', args: [], timeoutMs: 5000, env }));
      const ms = performance.now() - started;
      await Promise.all(runs);
      return ms;
    };
    await thread.exec({ file: 'true', args: [], timeoutMs: 5000, env }); // the worker is up
    const here = await blocked(execHere);
    const threaded = await blocked(thread.exec);
    console.info(
      `caller blocked while starting 40 processes: here ${here.toFixed(1)} ms, from the worker ${threaded.toFixed(1)} ms`,
    );
    expect(threaded).toBeLessThan(here);
  });
});

describe('createIpRunner', () => {
  it('maps a missing binary and a timeout to IpCommandError with a hint', async () => {
    const missing = createIpRunner({ binary: 'no-such-ip-binary' });
    await expect(missing(['addr'])).rejects.toThrow(/command was not found: install iproute2/);
    const slow = createIpRunner({ binary: 'sleep', timeoutMs: 100 });
    const error = await slow(['5']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IpCommandError);
    expect((error as Error).message).toMatch(/no answer within 100 ms/);
  });
});
