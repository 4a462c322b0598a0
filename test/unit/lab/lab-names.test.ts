import { describe, expect, it } from 'vitest';
import { Lab, labOwnerPid } from '../../lab/lab.js';

describe('lab namespace names', () => {
  it('reads the owner PID of its own labs only', () => {
    expect(labOwnerPid('lkp', 'lkp15068x2-b')).toBe(15068);
    expect(labOwnerPid('lkp', 'lkpf15068x2-b')).toBeUndefined();
    expect(labOwnerPid('lkp', 'lkpt15068x2-client')).toBeUndefined();
    expect(labOwnerPid('lkp', 'lk15068x2-b')).toBeUndefined();
  });

  it('refuses a prefix with a digit, which the sweep of a shorter prefix would read as a dead PID', () => {
    // `lkp2` + PID 5068 reads as lab `lkp` of PID 25068: its sweep would kill this live lab.
    expect(() => new Lab({ hosts: 1, prefix: 'lkp2' })).toThrow(/letters a-z only/);
    expect(new Lab({ hosts: 1, prefix: 'lkpt' }).name).toMatch(/^lkpt\d+x\d+$/);
  });
});
