import { DateTime, type DurationLikeObject } from 'luxon';
import { bindArguments, type Callee, optionalString, requiredString, stdlibError } from './arguments.js';
import { formatMoment, localeOf, type Moment, toMoment, zoneOf } from './date-values.js';

const DATE_ARGS = ['format', 'timeZone', 'existingFormat', 'locale'] as const;
const TIMESTAMP_ARGS = ['timeZone', 'existingFormat'] as const;

function formatWith(callee: Callee, input: unknown, args: Map<string, unknown>, shift?: (m: Moment) => Moment): string {
  const zone = zoneOf(callee, optionalString(callee, args, 'timeZone'));
  const locale = localeOf(callee, optionalString(callee, args, 'locale'));
  let m = toMoment(callee, input, zone, optionalString(callee, args, 'existingFormat'), locale);
  if (shift) m = shift(m);
  return formatMoment(callee, m, optionalString(callee, args, 'format') ?? 'iso', zone, locale);
}

/**
 * `date(format, timeZone=, existingFormat=, locale=)`: formats a date
 * (ISO text, text in `existingFormat`, epoch seconds) with a Java
 * `DateTimeFormatter` pattern or a named format (`iso`, `iso_sec`, `sql`,
 * `sql_seq`, `iso_date_time`, `iso_instant`, `rfc_1123_date_time`…), in
 * `timeZone` (default UTC). Default format `iso`. Null gives null.
 * @see https://kestra.io/docs/expressions/filters/dates (`date`)
 */
export function dateFilter(input: unknown, ...raw: unknown[]): string | null {
  const callee: Callee = { kind: 'filter', name: 'date' };
  const args = bindArguments(callee, DATE_ARGS, raw);
  if (input === null || input === undefined) return null;
  return formatWith(callee, input, args);
}

/** Java `ChronoUnit` names and what `plus` adds (date units keep the local time across DST, as in Java). */
const UNITS: Record<string, (amount: number) => DurationLikeObject> = {
  MILLIS: (n) => ({ milliseconds: n }),
  SECONDS: (n) => ({ seconds: n }),
  MINUTES: (n) => ({ minutes: n }),
  HOURS: (n) => ({ hours: n }),
  HALF_DAYS: (n) => ({ hours: 12 * n }),
  DAYS: (n) => ({ days: n }),
  WEEKS: (n) => ({ weeks: n }),
  MONTHS: (n) => ({ months: n }),
  YEARS: (n) => ({ years: n }),
  DECADES: (n) => ({ years: 10 * n }),
  CENTURIES: (n) => ({ years: 100 * n }),
  MILLENNIA: (n) => ({ years: 1000 * n }),
};

function addSubMillis(m: Moment, nanos: number): Moment {
  const total = m.subMilliNanos + nanos;
  const carryMillis = Math.floor(total / 1e6);
  return { dt: m.dt.plus({ milliseconds: carryMillis }), subMilliNanos: total - carryMillis * 1e6 };
}

/**
 * `dateAdd(amount, unit, format=, timeZone=, existingFormat=, locale=)`:
 * adds `amount` (an integer, negative to subtract) of `unit` (`NANOS`,
 * `MICROS`, `MILLIS`, `SECONDS`, `MINUTES`, `HOURS`, `HALF_DAYS`, `DAYS`,
 * `WEEKS`, `MONTHS`, `YEARS`, `DECADES`, `CENTURIES`, `MILLENNIA`) and
 * formats like {@link dateFilter}.
 * @see https://kestra.io/docs/expressions/filters/dates (`dateAdd`)
 */
export function dateAddFilter(input: unknown, ...raw: unknown[]): string | null {
  const callee: Callee = { kind: 'filter', name: 'dateAdd' };
  const args = bindArguments(callee, ['amount', 'unit', ...DATE_ARGS], raw);
  if (input === null || input === undefined) return null;
  const amount = args.get('amount');
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
    throw stdlibError(callee, "argument 'amount' must be an integer");
  }
  const unit = requiredString(callee, args, 'unit');
  let shift: (m: Moment) => Moment;
  if (unit === 'NANOS') shift = (m) => addSubMillis(m, amount);
  else if (unit === 'MICROS') shift = (m) => addSubMillis(m, amount * 1000);
  else {
    const duration = Object.hasOwn(UNITS, unit) ? UNITS[unit] : undefined;
    if (!duration) {
      throw stdlibError(callee, `argument 'unit' must be one of NANOS, MICROS, ${Object.keys(UNITS).join(', ')}`);
    }
    shift = (m) => ({ dt: m.dt.plus(duration(amount)), subMilliNanos: m.subMilliNanos });
  }
  return formatWith(callee, input, args, (m) => {
    const moved = shift(m);
    if (!moved.dt.isValid) throw stdlibError(callee, 'the result is out of the supported date range');
    return moved;
  });
}

function epoch(name: string, input: unknown, raw: unknown[]): Moment | null {
  const callee: Callee = { kind: 'filter', name };
  const args = bindArguments(callee, TIMESTAMP_ARGS, raw);
  if (input === null || input === undefined) return null;
  const zone = zoneOf(callee, optionalString(callee, args, 'timeZone'));
  return toMoment(callee, input, zone, optionalString(callee, args, 'existingFormat'));
}

/** Seconds since the epoch, rounded down, as text of digits (Java's `long` arithmetic without float rounding). */
function epochDigits(m: Moment, nanosPerUnit: number): string {
  const millis = BigInt(m.dt.toMillis());
  const nanos = millis * 1_000_000n + BigInt(m.subMilliNanos);
  const unit = BigInt(nanosPerUnit);
  // floor division, as Java's toEpochSecond for dates before 1970
  const q = nanos / unit;
  return String(nanos < 0n && q * unit !== nanos ? q - 1n : q);
}

/**
 * `timestamp(timeZone=, existingFormat=)`: seconds since the Unix epoch
 * (a number). `timeZone` matters only for text without an offset.
 * @see https://kestra.io/docs/expressions/filters/dates (Timestamp helpers)
 */
export function timestampFilter(input: unknown, ...raw: unknown[]): number | null {
  const m = epoch('timestamp', input, raw);
  return m && Number(epochDigits(m, 1e9));
}

/**
 * `timestampMilli(timeZone=, existingFormat=)`: milliseconds since the Unix epoch (a number).
 * @see https://kestra.io/docs/expressions/filters/dates (Timestamp helpers)
 */
export function timestampMilliFilter(input: unknown, ...raw: unknown[]): number | null {
  const m = epoch('timestampMilli', input, raw);
  return m && Number(epochDigits(m, 1e6));
}

/**
 * `timestampMicro(timeZone=, existingFormat=)`: microseconds since the Unix
 * epoch, as text (Kestra returns a string; the fixed version, not the old
 * nanosecond-sized value).
 * @see https://kestra.io/docs/expressions/filters/dates (Timestamp helpers)
 */
export function timestampMicroFilter(input: unknown, ...raw: unknown[]): string | null {
  const m = epoch('timestampMicro', input, raw);
  return m && epochDigits(m, 1e3);
}

/**
 * `timestampNano(timeZone=, existingFormat=)`: nanoseconds since the Unix epoch, as text (as Kestra).
 * @see https://kestra.io/docs/expressions/filters/dates (Timestamp helpers)
 */
export function timestampNanoFilter(input: unknown, ...raw: unknown[]): string | null {
  const m = epoch('timestampNano', input, raw);
  return m && epochDigits(m, 1);
}

/**
 * `now(format=, timeZone=, locale=)`: the current date-time as text, by
 * default `iso` (`2024-07-09T06:17:01.171000Z`: JavaScript clocks have
 * millisecond precision, Java's microsecond).
 * @see https://kestra.io/docs/expressions/functions/utilities (`now()`)
 */
export function nowFunction(...raw: unknown[]): string {
  const callee: Callee = { kind: 'function', name: 'now' };
  const args = bindArguments(callee, ['format', 'timeZone', 'locale'], raw);
  const zone = zoneOf(callee, optionalString(callee, args, 'timeZone'));
  const locale = localeOf(callee, optionalString(callee, args, 'locale'));
  const m: Moment = { dt: DateTime.fromMillis(Date.now(), { zone: zone.zone }), subMilliNanos: 0 };
  return formatMoment(callee, m, optionalString(callee, args, 'format') ?? 'iso', zone, locale);
}
