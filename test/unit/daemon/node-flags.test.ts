import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LINKD_NODE_FLAGS } from '../../../src/daemon/node-flags.js';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('linkd V8 flags', () => {
  it("the systemd unit starts the package's linkd, which starts its node with them", () => {
    const execStart = /^ExecStart=(.*)$/m.exec(read('deploy/linkd.service'))?.[1] ?? '';
    expect(execStart).toBe('/usr/bin/linkd');
    const exec = /^exec (.*)$/m.exec(read('deploy/debian/linkd'))?.[1] ?? '';
    expect(exec).toBe(
      `/usr/lib/link/node/bin/node ${LINKD_NODE_FLAGS.join(' ')} /usr/lib/link/dist/cli/linkd.js "$@"`,
    );
  });

  it('bin/linkd.js starts node with them', () => {
    const shebang = read('bin/linkd.js').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${LINKD_NODE_FLAGS.join(' ')}`);
  });
});
