import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { rangeOf } from '../model/vip-range-policy.js';

/**
 * Zod schemas that turn one raw setting (a flag or environment string, or the documented default)
 * into a typed value. Each failure says what was expected and what was given, so the error
 * reads "must be a number of seconds > 0, got 'abc'" once the flag and variable are prefixed.
 */

type Raw = string | undefined;

interface ValueOptions {
  /** Never echo the value back (passwords). */
  secret?: boolean;
}

function shown(raw: string, options: ValueOptions): string {
  return options.secret ? '***' : raw;
}

/** A setting that must end up with a value. */
export function required<T>(
  expected: string,
  parse: (raw: string) => T | undefined,
  options: ValueOptions = {},
) {
  return parsedSetting(expected, parse, options, (ctx) => {
    ctx.issues.push({ code: 'custom', message: 'is required', input: undefined });
    return z.NEVER;
  });
}

/** A setting that may stay unset (no default). */
export function optional<T>(
  expected: string,
  parse: (raw: string) => T | undefined,
  options: ValueOptions = {},
) {
  return parsedSetting(expected, parse, options, () => undefined);
}

/** A string setting parsed by `parse`; `unset` answers when it has no value at all. */
function parsedSetting<T, U>(
  expected: string,
  parse: (raw: string) => T | undefined,
  options: ValueOptions,
  unset: (ctx: z.RefinementCtx) => U,
) {
  return z
    .string()
    .optional()
    .transform((raw: Raw, ctx): T | U =>
      raw === undefined ? unset(ctx) : parsedOrIssue(raw, ctx, expected, parse, options),
    );
}

/** The parsed value, or an issue saying what was expected (and z.NEVER). */
function parsedOrIssue<T>(
  raw: string,
  ctx: z.RefinementCtx,
  expected: string,
  parse: (raw: string) => T | undefined,
  options: ValueOptions,
): T {
  const value = parse(raw.trim());
  if (value === undefined) {
    ctx.issues.push({ code: 'custom', message: `${expected}, got '${shown(raw, options)}'`, input: raw });
    return z.NEVER;
  }
  return value;
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const;
type Unit = 's' | 'ms';

/** `"3"` in the setting's own unit, or with a suffix: `"500ms"`, `"3s"`, `"1m"`. Answers milliseconds. */
export function parseDurationMs(raw: string, unit: Unit): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(raw);
  if (!match?.[1]) return undefined;
  const suffix = (match[2] ?? unit) as keyof typeof UNIT_MS;
  return Number(match[1]) * UNIT_MS[suffix];
}

export interface DurationRule {
  /** The unit operators type and the README shows. */
  unit: Unit;
  /** The unit of the parsed value. */
  out: Unit;
  /** Smallest accepted value, in `unit`. */
  min: number;
  /** `min` itself is refused (`> min` rather than `>= min`). */
  exclusive?: boolean;
  /** The parsed value must be whole in `out` (etcd takes whole seconds). */
  integer?: boolean;
}

export function duration(rule: DurationRule) {
  const word = rule.unit === 's' ? 'seconds' : 'milliseconds';
  const kind = rule.integer ? `a whole number of ${word}` : `a number of ${word}`;
  const expected = `must be ${kind} ${rule.exclusive ? '>' : '>='} ${rule.min}`;
  const minMs = rule.min * UNIT_MS[rule.unit];
  return required(expected, (raw) => {
    const ms = parseDurationMs(raw, rule.unit);
    if (ms === undefined || ms < minMs || (rule.exclusive && ms === minMs)) return undefined;
    const value = rule.out === 's' ? ms / 1000 : ms;
    if (rule.integer && !Number.isInteger(value)) return undefined;
    return value;
  });
}

export function count(min: number) {
  return required(`must be a whole number >= ${min}`, (raw) => {
    const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
    return Number.isSafeInteger(value) && value >= min ? value : undefined;
  });
}

export function integer(expected: string) {
  return required(expected, (raw) => {
    const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
    return Number.isSafeInteger(value) ? value : undefined;
  });
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export function boolean() {
  return required('must be true or false', (raw) => {
    const lower = raw.toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
    return undefined;
  });
}

export function choice<const T extends readonly string[]>(values: T) {
  return required(`must be one of ${values.join(', ')}`, (raw) =>
    (values as readonly string[]).includes(raw) ? (raw as T[number]) : undefined,
  );
}

/** Any non-empty text, e.g. a user name or password. */
export function text(options: ValueOptions = {}) {
  return optional('must not be empty', (raw) => (raw === '' ? undefined : raw), options);
}

/** `host:port`, `[v6]:port` or `:port` (every interface). Port 0 picks a free port. */
export function parseListen(raw: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(raw);
  if (!match?.[3]) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** Comma-separated etcd endpoints; a bare `host:port` gets `http://`, a missing port 2379. */
export function parseUrlList(raw: string): string[] | undefined {
  const parts = commaList(raw);
  if (parts.length === 0) return undefined;
  const urls: string[] = [];
  for (const part of parts) {
    let url: URL;
    try {
      url = new URL(/^[a-z]+:\/\//i.test(part) ? part : `http://${part}`);
    } catch {
      return undefined;
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return undefined;
    if (url.pathname !== '/' || url.search !== '' || url.username !== '') return undefined;
    urls.push(`${url.protocol}//${url.hostname}:${url.port || '2379'}`);
  }
  return urls;
}

/** Comma-separated `Host` names or addresses (`[::1]` or `::1`), without port. */
export function parseHostList(raw: string): string[] | undefined {
  const parts = commaList(raw);
  if (parts.length === 0) return undefined;
  const name =
    /^(?:\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.?)$/;
  return parts.every((part) => name.test(part)) ? parts : undefined;
}

/** One `http://` or `https://` URL with a host. */
export function parseHttpUrl(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
      ? url.href
      : undefined;
  } catch {
    return undefined;
  }
}

/** Comma-separated address ranges, each `ADDRESS/PREFIX`, answered by their network address. */
export function parseRangeList(raw: string): string[] | undefined {
  const parts = commaList(raw);
  if (parts.length === 0) return undefined;
  const ranges: string[] = [];
  for (const part of parts) {
    const [address = '', prefix, ...rest] = part.split('/');
    // Four-part decimal only, as for VIPs: ipaddr.js would also read `10.1` as 10.0.0.1.
    const v4 = ipaddr.IPv4.isValidFourPartDecimal(address);
    if (rest.length > 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return undefined;
    if (!v4 && (address.includes('%') || !ipaddr.IPv6.isValid(address))) return undefined;
    if (Number(prefix) > (v4 ? 32 : 128)) return undefined;
    ranges.push(rangeOf(`${address}/${prefix}`));
  }
  return ranges;
}

/** The non-empty items of a comma-separated value, trimmed. */
function commaList(raw: string): string[] {
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
