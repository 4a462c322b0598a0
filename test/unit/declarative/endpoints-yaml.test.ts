import { describe, expect, it } from 'vitest';
import { parseEndpointsYaml } from '../../../src/declarative/endpoints-yaml.js';

describe('parseEndpointsYaml', () => {
  it('reads endpoints with their checks, defaults filled', () => {
    const result = parseEndpointsYaml(
      [
        '# LinK endpoints of this host',
        'endpoints:',
        '  - ip: 10.0.0.10/32',
        '    checks:',
        '      - {type: TCP, host: 127.0.0.1, port: 5432}',
        '    healthcheck_interval: 5',
        '    fault_policy: release',
        '  - ip: 10.0.0.11/32',
      ].join('\n'),
    );
    expect(result).toEqual({
      ok: true,
      endpoints: [
        {
          ip: '10.0.0.10/32',
          checks: [{ type: 'TCP', host: '127.0.0.1', port: 5432 }],
          healthcheckInterval: 5,
          faultPolicy: 'release',
        },
        { ip: '10.0.0.11/32', checks: [], healthcheckInterval: 0 },
      ],
    });
  });

  it('takes an empty file as no endpoints', () => {
    expect(parseEndpointsYaml('')).toEqual({ ok: true, endpoints: [] });
    expect(parseEndpointsYaml('endpoints: []\n')).toEqual({ ok: true, endpoints: [] });
  });

  it('names the line and the field of each wrong value', () => {
    const result = parseEndpointsYaml(
      [
        'endpoints:',
        '  - ip: 10.0.0.10/32',
        '    checks:',
        '      - type: TCP',
        '        host: 127.0.0.1',
        '        port: 70000',
        '  - ip: 10.0.0.300/32',
        '  - ip: 10.0.0.12/32',
        '    fault_polcy: hold',
      ].join('\n'),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.line, p.field])).toEqual([
      [6, 'endpoints.0.checks.0.port'],
      [7, 'endpoints.1.ip'],
      [9, 'endpoints.2.fault_polcy'],
    ]);
    expect(result.problems[2]?.message).toBe("unknown field 'fault_polcy'");
  });

  it('names a duplicate IP at its second line, and YAML syntax errors at theirs', () => {
    const dup = parseEndpointsYaml('endpoints:\n  - ip: 10.0.0.1/32\n  - ip: 10.0.0.1/32\n');
    expect(dup).toMatchObject({ ok: false, problems: [{ line: 3, field: 'endpoints.1.ip' }] });
    const syntax = parseEndpointsYaml('endpoints:\n  - ip: 10.0.0.1/32\n   checks: [\n');
    expect(syntax.ok).toBe(false);
    if (!syntax.ok) expect(syntax.problems[0]?.line).toBeGreaterThanOrEqual(3);
    const keys = parseEndpointsYaml('endpoints: []\nendpoints: []\n');
    expect(keys).toMatchObject({ ok: false, problems: [{ line: 2 }] });
  });
});
