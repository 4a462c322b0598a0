import { describe, expect, it } from 'vitest';
import { parseRecord } from '../../../src/model/endpoint-record.js';

const ID = 'vip-0b5c7f0e-3d1a-4c55-9a4e-2f7f4f1d6a10';

describe('stored endpoint records with bad fields', () => {
  it('name the field and show its value, even an object String() cannot print', () => {
    expect(() => parseRecord(JSON.stringify({ id: { toString: '' } }), 'activate')).toThrow(
      'id: invalid ({"toString":""})',
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
});
