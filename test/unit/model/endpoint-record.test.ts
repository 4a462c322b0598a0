import { describe, expect, it } from 'vitest';
import { parseRecord, toRecord } from '../../../src/model/endpoint-record.js';

const ID = 'vip-0b5c7f0e-3d1a-4c55-9a4e-2f7f4f1d6a10';

describe('stored endpoint records with bad fields', () => {
  it('name the field and show its value, even an object String() cannot print', () => {
    expect(() => parseRecord(JSON.stringify({ id: { toString: '' } }), 'activate')).toThrow(
      'id: must be an endpoint id like vip-<uuid> ({"toString":""})',
    );
    expect(() =>
      // A v2 record: the IP at the top level.
      parseRecord(JSON.stringify({ id: ID, ip: { toString: '' } }), 'activate'),
    ).toThrow('plugin_config.ip: not an IP with prefix ({"toString":""})');
    expect(() =>
      parseRecord(
        JSON.stringify({ id: ID, plugin: { toString: '' }, plugin_config: { ip: '10.0.0.1/32' } }),
        'activate',
      ),
    ).toThrow('plugin: unsupported ({"toString":""})');
  });

  it('holds a record to the rules of the API: no address, prefix or check it would refuse', () => {
    const record = (fields: object) => JSON.stringify({ id: ID, plugin: 'arp', ...fields });
    const ip = (value: string) => record({ plugin_config: { ip: value } });
    // ipaddr.js alone reads `10.1` as 10.0.0.1: the API refuses it, and so does the record reader.
    expect(() => parseRecord(ip('10.1/8'), 'activate')).toThrow("plugin_config.ip: '10.1' is not an IPv4");
    expect(() => parseRecord(ip('::ffff:10.0.0.1/128'), 'activate')).toThrow(/ipv4Mapped/);
    expect(() => parseRecord(ip('10.0.0.0/24'), 'activate')).toThrow(/network or broadcast/);
    expect(() =>
      parseRecord(record({ plugin_config: { ip: '10.0.0.1/32' }, healthcheck_interval: 1.5 }), 'activate'),
    ).toThrow(/^healthcheck_interval: /);
    expect(() =>
      parseRecord(
        record({ plugin_config: { ip: '10.0.0.1/32' }, checks: [{ type: 'TCP', host: 'a b', port: 80 }] }),
        'activate',
      ),
    ).toThrow(/^checks\.0\.host: host must be a DNS name/);
    expect(() =>
      parseRecord(
        record({
          plugin_config: { ip: '10.0.0.1/32' },
          checks: [{ type: 'HTTP', host: 'a', port: 80, path: '/', expectStatus: [399, 200] }],
        }),
        'activate',
      ),
    ).toThrow(/^checks\.0\.expectStatus: /);
  });

  it('reads what the agent writes, v2 and LinK v3 records, in canonical form', () => {
    const http = { type: 'HTTP', host: 'backend', port: 8080, path: '/healthz', expectStatus: [200, 299] };
    expect(
      parseRecord(
        JSON.stringify({
          id: ID,
          ip: '',
          plugin: 'arp',
          plugin_config: { ip: 'FD00:0::1/128' },
          checks: [{ type: 'TCP', host: '10.0.0.5', port: 80 }, http],
          healthcheck_interval: 5,
          fault_policy: 'release',
        }),
        'activate',
      ),
    ).toEqual({
      id: ID,
      ip: 'fd00::1/128',
      checks: [{ type: 'TCP', host: '10.0.0.5', port: 80 }, http],
      healthcheckInterval: 5,
      faultPolicy: 'release',
    });
    // v2: the IP at the top level; Go writes empty lists as null.
    expect(
      parseRecord(JSON.stringify({ id: ID, ip: '10.0.0.1/32', checks: null, fault_policy: null }), 'hold'),
    ).toEqual({ id: ID, ip: '10.0.0.1/32', checks: [], healthcheckInterval: 0, faultPolicy: 'hold' });
  });
});

describe('preferred hosts in a stored record', () => {
  const endpoint = {
    id: ID,
    ip: '10.0.0.1/32',
    checks: [],
    healthcheckInterval: 0,
    faultPolicy: 'activate' as const,
    preferredHosts: ['node-2', 'node-1'],
  };

  it('round-trip in order, and are absent from records without a preference', () => {
    expect(parseRecord(JSON.stringify(toRecord(endpoint)), 'activate')).toEqual(endpoint);
    const { preferredHosts: _none, ...plain } = endpoint;
    expect(toRecord(plain)).not.toHaveProperty('preferred_hosts');
    expect(parseRecord(JSON.stringify(toRecord(plain)), 'activate')).toEqual(plain);
  });

  it('are checked with the API codec: a bad one names the field', () => {
    const bad = { ...toRecord(endpoint), preferred_hosts: ['a/b'] };
    expect(() => parseRecord(JSON.stringify(bad), 'activate')).toThrow(
      /^preferred_hosts.0: must be letters.* \(a\/b\)$/,
    );
    const twice = { ...toRecord(endpoint), preferred_hosts: ['a', 'a'] };
    expect(() => parseRecord(JSON.stringify(twice), 'activate')).toThrow(
      'preferred_hosts: must name each host once',
    );
  });
});
