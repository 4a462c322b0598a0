import { describe, expect, it } from 'vitest';
import { type EndpointRow, ipMatcher, selectPage, summarize } from '../../../src/agent/endpoint-query.js';

const rows: EndpointRow[] = Array.from({ length: 25 }, (_, i) => ({
  id: `vip-${String(24 - i).padStart(8, '0')}-0000-4000-8000-000000000000`,
  ip: `10.78.${Math.floor(i / 10)}.${i + 1}/32`,
  status: i % 3 === 0 ? 'ACTIVATED' : 'STANDBY',
  holder: i % 5 === 0 ? null : `node-${i % 3}`,
}));

describe('selectPage', () => {
  it('keeps every row in its order without a limit or cursor', () => {
    const page = selectPage(rows, {});
    expect(page.items).toEqual(rows);
    expect(page).toMatchObject({ total: 25, nextCursor: null });
  });

  it('walks every row once through the cursor, in id order', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = selectPage(rows, { limit: 10, cursor });
      expect(page.total).toBe(25);
      seen.push(...page.items.map((r) => r.id));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(rows.map((r) => r.id).sort());
  });

  it('filters by state, holder (null for none) and IP prefix or CIDR', () => {
    expect(selectPage(rows, { states: ['ACTIVATED'] }).total).toBe(9);
    expect(selectPage(rows, { holder: null }).items.every((r) => r.holder === null)).toBe(true);
    expect(selectPage(rows, { holder: null }).total).toBe(5);
    expect(selectPage(rows, { ipPrefix: '10.78.2.' }).total).toBe(5);
    expect(selectPage(rows, { ipPrefix: '10.78.1.0/24' }).total).toBe(10);
    expect(
      selectPage(rows, { ipPrefix: '10.78.1.0/24', states: ['ACTIVATED'], limit: 2 }).items,
    ).toHaveLength(2);
  });
});

describe('ipMatcher', () => {
  it('matches a CIDR by containment and other text by its start', () => {
    expect(ipMatcher('10.0.0.0/8')('10.200.1.1/32')).toBe(true);
    expect(ipMatcher('10.0.0.0/8')('11.0.0.1/32')).toBe(false);
    expect(ipMatcher('10.0.0.0/8')('fd00::1/128')).toBe(false);
    expect(ipMatcher('fd00::/16')('fd00::1/128')).toBe(true);
    expect(ipMatcher('10.1')('10.12.0.1/32')).toBe(true);
  });
});

describe('summarize', () => {
  it('counts by state and holder', () => {
    const summary = summarize(rows);
    expect(summary.total).toBe(25);
    expect(summary.byState).toEqual({ ACTIVATED: 9, STANDBY: 16 });
    expect(Object.values(summary.byHolder).reduce((a, b) => a + b, 0)).toBe(25);
    expect(summary.byHolder['']).toBe(5);
  });
});
