import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEndpointsYaml } from '../../../src/declarative/endpoints-yaml.js';

describe('the endpoints file the package installs (/etc/link/endpoints.yaml)', () => {
  it('is a valid endpoints file that declares nothing', () => {
    const text = readFileSync(new URL('../../../deploy/endpoints.yaml', import.meta.url), 'utf8');
    expect(parseEndpointsYaml(text)).toEqual({ ok: true, endpoints: [] });
  });
});
