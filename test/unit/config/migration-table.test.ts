import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envOf, type Setting, settings } from '../../../src/config/config.schema.js';
import { loadConfig } from '../../../src/config/load-config.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const section = readme.slice(
  readme.indexOf("### Coming from Scalingo's LinK"),
  readme.indexOf('\n## ', readme.indexOf("### Coming from Scalingo's LinK")),
);
const rows = section.split('\n').filter((line) => line.startsWith('| `'));

describe("README: coming from Scalingo's LinK", () => {
  it('names only variables linkd reads', () => {
    const known = new Set((Object.values(settings) as Setting[]).map(envOf));
    const named = rows.flatMap((row) => [...row.matchAll(/`(LINK_[A-Z_]+)`/g)].map((m) => m[1]!));
    expect(named.length).toBeGreaterThan(15);
    for (const name of named) expect(known, name).toContain(name);
  });

  it("LinK v3's variables are not read: they leave the settings at their defaults", () => {
    const v3 = rows.map((row) => /^\| `([A-Z_]+)`/.exec(row)?.[1]).filter((name) => name !== undefined);
    expect(v3).toContain('ETCD_HOSTS');
    const env = Object.fromEntries(v3.map((name) => [name, name === 'HOSTNAME' ? 'v3-host' : '7']));
    const config = loadConfig(['--interface', 'eth0'], env, { version: 'test' });
    const defaults = loadConfig(['--interface', 'eth0'], {}, { version: 'test' });
    expect(config).toEqual(defaults);
  });
});
