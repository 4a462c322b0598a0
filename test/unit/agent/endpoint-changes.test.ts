import { describe, expect, it } from 'vitest';
import type { NewEndpoint } from '../../../src/agent/agent-service.js';
import { type CurrentEndpoints, checkChanges } from '../../../src/agent/endpoint-changes.js';
import { type Endpoint, electionKeyOf } from '../../../src/model/endpoint.js';

const ID_A = 'vip-aaaaaaaa-0000-4000-8000-000000000000';
const ID_B = 'vip-bbbbbbbb-0000-4000-8000-000000000000';
const UNKNOWN = 'vip-00000000-0000-4000-8000-000000000000';

function current(endpoints: Endpoint[]): CurrentEndpoints {
  return {
    byId: (id) => endpoints.find((e) => e.id === id),
    idOfKey: (key) => endpoints.find((e) => electionKeyOf(e.ip) === key)?.id,
    count: endpoints.length,
  };
}
const endpoint = (id: string, ip: string): Endpoint => ({
  id,
  ip,
  checks: [],
  healthcheckInterval: 0,
  faultPolicy: 'activate',
});
const spec = (ip: string): NewEndpoint => ({
  ip,
  checks: [],
  healthcheckInterval: 0,
  faultPolicy: 'activate',
});
const existing = current([endpoint(ID_A, '10.0.0.1/32'), endpoint(ID_B, '10.0.0.2/32')]);

describe('checkChanges', () => {
  it('accepts a valid mix', () => {
    expect(
      checkChanges(
        { create: [spec('10.0.0.3/32')], update: [{ id: ID_B, checks: [] }], delete: [ID_A] },
        existing,
        10,
      ),
    ).toEqual({});
  });

  it('lists every problem by item, in one answer', () => {
    const errors = checkChanges(
      {
        create: [spec('10.0.0.1/32'), spec('10.0.0.9/32'), spec('10.0.0.9/32')],
        update: [
          { id: UNKNOWN, checks: [] },
          { id: ID_A, checks: [] },
        ],
        delete: [ID_A, ID_A, UNKNOWN],
      },
      existing,
      10,
    );
    expect(errors).toEqual({
      'create.2.ip': ['IP 10.0.0.9/32 is also created by create.1'],
      'update.0.id': [`endpoint ${UNKNOWN} not found`],
      'update.1.id': [`endpoint ${ID_A} is also deleted by this request`],
      'delete.1': [`endpoint ${ID_A} is listed twice`],
      'delete.2': [`endpoint ${UNKNOWN} not found`],
    });
  });

  it('refuses an IP configured already unless the same request deletes it', () => {
    expect(checkChanges({ create: [spec('10.0.0.1/32')] }, existing, 10)).toEqual({
      'create.0.ip': [`IP 10.0.0.1/32 is already configured on this host as endpoint ${ID_A}`],
    });
    expect(checkChanges({ create: [spec('10.0.0.1/32')], delete: [ID_A] }, existing, 10)).toEqual({});
  });

  it('counts deletes before creates against the endpoint limit; 0 means none', () => {
    const three = { create: [spec('10.0.0.3/32'), spec('10.0.0.4/32'), spec('10.0.0.5/32')] };
    expect(checkChanges(three, existing, 4).create?.[0]).toMatch(/5 endpoints would exceed the limit of 4/);
    expect(checkChanges({ ...three, delete: [ID_A] }, existing, 4)).toEqual({});
    expect(checkChanges(three, existing, 0)).toEqual({});
  });
});
