import { DateTime, FixedOffsetZone, IANAZone, type Zone } from 'luxon';
import { type Callee, stdlibError } from './arguments.js';
import { compileJavaPattern, luxonParseFormat, PatternError, type PatternSegment } from './java-date-pattern.js';

/**
 * A date-time inside the standard library: a Luxon `DateTime` (millisecond
 * precision) plus the nanoseconds below the millisecond that Java keeps
 * (`2013-09-08T16:19:12.123456+01`). Never handed to a template: the date
 * filters return text or numbers.
 */
export interface Moment {
  dt: DateTime;
  /** 0..999999 */
  subMilliNanos: number;
}

/** A time zone as Java's `ZoneId.of` reads it, and whether it is a region (printed as `[Europe/Paris]`). */
export interface ZoneChoice {
  zone: Zone;
  region: boolean;
}

/**
 * Kestra uses the JVM's default zone when `timeZone` is not given; Kestra
 * servers run in UTC. credflow uses UTC, whatever the machine's zone, so a
 * flow renders the same everywhere.
 */
// Made on first use: creating an IANA zone initialises ICU's time zones (~20 ms),
// which a flow that never formats a date must not pay at start-up.
let defaultZone: ZoneChoice | undefined;
const DEFAULT_ZONE = (): ZoneChoice => {
  defaultZone ??= { zone: IANAZone.create('UTC'), region: true };
  return defaultZone;
};

/** Kestra's context locale is the JVM's default; credflow's is `en-US`. */
export const DEFAULT_LOCALE = 'en-US';

const MAX_DATE_TEXT = 200;
const OFFSET_ID = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?$/;

/** `ZoneId.of`: a region (`Europe/Paris`, `UTC`), `Z`, or an offset (`+02:00`, `UTC+2`). */
export function zoneOf(callee: Callee, name: string | undefined): ZoneChoice {
  if (name === undefined) return DEFAULT_ZONE();
  if (name === 'Z') return { zone: FixedOffsetZone.utcInstance, region: false };
  const offset = OFFSET_ID.exec(name);
  if (offset) {
    const hours = Number(offset[2]);
    const minutes = Number(offset[3] ?? 0);
    if (hours > 18 || minutes > 59) throw stdlibError(callee, "argument 'timeZone' is not a valid offset");
    const sign = offset[1] === '-' ? -1 : 1;
    return { zone: FixedOffsetZone.instance(sign * (hours * 60 + minutes)), region: false };
  }
  if (name.length <= 64 && IANAZone.isValidZone(name)) return { zone: IANAZone.create(name), region: true };
  throw stdlibError(
    callee,
    "argument 'timeZone' is not a known time zone (use an IANA name such as 'Europe/Paris', 'UTC' or an offset such as '+02:00')",
  );
}

/** `LocaleUtils.toLocale` (`fr_FR`) or a BCP 47 tag (`fr-FR`). */
export function localeOf(callee: Callee, name: string | undefined): string {
  if (name === undefined) return DEFAULT_LOCALE;
  try {
    const [canonical] = Intl.getCanonicalLocales(name.replace(/_/g, '-'));
    if (canonical) return canonical;
  } catch {
    // reported below
  }
  throw stdlibError(callee, "argument 'locale' is not a valid locale (e.g. 'en_US', 'fr-FR')");
}

const isDate = (v: unknown): v is Date => Object.prototype.toString.call(v) === '[object Date]';

/** The digits of an ISO fraction of second, as nanoseconds. */
function isoNanos(text: string): number {
  const m = /T\d{2}:\d{2}:\d{2}[.,](\d{1,9})/.exec(text);
  return m ? Number(m[1]!.padEnd(9, '0')) : 0;
}

function fromMillis(millis: number, zone: ZoneChoice, subMilliNanos = 0): Moment {
  return { dt: DateTime.fromMillis(millis, { zone: zone.zone }), subMilliNanos };
}

/**
 * Kestra's `AbstractDate.convert`: epoch seconds (a number), a date (host
 * data), or text: ISO 8601 with an offset (or `[zone]`), else a local
 * date-time or a date in `zone`; with `existingFormat`, text in that format
 * (a Java pattern or one of the named formats).
 */
export function toMoment(
  callee: Callee,
  value: unknown,
  zone: ZoneChoice,
  existingFormat?: string,
  locale = DEFAULT_LOCALE,
): Moment {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > 8.64e12)
      throw stdlibError(callee, 'the number is not a valid epoch second');
    const millis = Math.floor(value * 1000);
    return fromMillis(millis, zone);
  }
  if (isDate(value)) {
    const millis = value.getTime();
    if (Number.isNaN(millis)) throw stdlibError(callee, 'the date is invalid');
    return fromMillis(millis, zone);
  }
  if (typeof value !== 'string') {
    throw stdlibError(callee, 'expects a date: ISO 8601 text, text in existingFormat, or epoch seconds');
  }
  if (value.length > MAX_DATE_TEXT)
    throw stdlibError(callee, `the date text is longer than ${MAX_DATE_TEXT} characters`);
  const opts = { zone: zone.zone, setZone: true, locale };
  let dt: DateTime;
  let nanos = 0;
  if (existingFormat === undefined || existingFormat.startsWith('iso')) {
    if (existingFormat !== undefined && !NAMED_FORMATS.has(existingFormat)) {
      dt = parseWithPattern(callee, value, existingFormat, opts);
    } else {
      // ISO_ZONED_DATE_TIME's `[Europe/Paris]` suffix names the zone.
      const bracket = /^(.*)\[([^\]]{1,64})\]$/.exec(value);
      const text = bracket ? bracket[1]! : value;
      dt = DateTime.fromISO(text, opts);
      if (bracket && dt.isValid) {
        if (!IANAZone.isValidZone(bracket[2]!)) throw stdlibError(callee, 'the date text names an unknown zone');
        dt = dt.setZone(bracket[2]!);
      }
      nanos = isoNanos(text);
    }
  } else if (existingFormat === 'rfc_1123_date_time') {
    dt = DateTime.fromRFC2822(value, opts);
  } else if (existingFormat === 'sql' || existingFormat === 'sql_seq') {
    dt = DateTime.fromSQL(value, opts);
    const m = /:\d{2}\.(\d{1,9})/.exec(value);
    nanos = m ? Number(m[1]!.padEnd(9, '0')) : 0;
  } else if (STYLES.has(existingFormat)) {
    throw stdlibError(callee, `the '${existingFormat}' style cannot be parsed`);
  } else {
    dt = parseWithPattern(callee, value, existingFormat, opts);
  }
  if (!dt.isValid) {
    throw stdlibError(
      callee,
      existingFormat === undefined
        ? 'the text is not an ISO 8601 date (give existingFormat to read another format)'
        : 'the text does not match existingFormat',
    );
  }
  if (nanos) dt = dt.set({ millisecond: Math.floor(nanos / 1e6) });
  return { dt, subMilliNanos: nanos % 1e6 };
}

/** Bounds of a date read with `existingFormat` (Luxon parses with a backtracking regular expression). */
const MAX_PARSED_TEXT = 100;
const MAX_PATTERN_FIELDS = 12;

/** The number of fields of a Java date pattern: runs of one pattern letter, outside quotes. */
function patternFields(pattern: string): number {
  let fields = 0;
  let quoted = false;
  let previous = '';
  for (const c of pattern) {
    if (c === "'") {
      quoted = !quoted;
      previous = '';
    } else if (!quoted && /[A-Za-z]/.test(c)) {
      if (c !== previous) fields++;
      previous = c;
    } else previous = '';
  }
  return fields;
}

function parseWithPattern(
  callee: Callee,
  value: string,
  pattern: string,
  opts: { zone: Zone; setZone: boolean; locale: string },
): DateTime {
  // Luxon reads a format with a backtracking regular expression: many adjacent variable-width
  // fields over a long text take exponential time. Bound both (a real date has a few fields).
  if (value.length > MAX_PARSED_TEXT) {
    throw stdlibError(callee, `a date to parse with 'existingFormat' is at most ${MAX_PARSED_TEXT} characters`);
  }
  if (patternFields(pattern) > MAX_PATTERN_FIELDS) {
    throw stdlibError(callee, `argument 'existingFormat' has more than ${MAX_PATTERN_FIELDS} fields`);
  }
  let format: string;
  try {
    format = luxonParseFormat(pattern);
  } catch (err) {
    throw stdlibError(callee, `argument 'existingFormat': ${(err as Error).message}`);
  }
  // Java's `X` prints and reads 'Z' for UTC; Luxon reads numeric offsets only.
  const text = /[Xx]+$/.test(pattern) && value.endsWith('Z') ? `${value.slice(0, -1)}+00:00` : value;
  return DateTime.fromFormat(text, format, opts);
}

const NAMED_PATTERNS: Record<string, string> = {
  iso: "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX",
  iso_sec: "yyyy-MM-dd'T'HH:mm:ssXXX",
  sql: 'yyyy-MM-dd HH:mm:ss.SSSSSS',
  sql_seq: 'yyyy-MM-dd HH:mm:ss',
};

/** Kestra's named formats (`AbstractDate.FORMATTERS`). */
export const NAMED_FORMATS = new Set([
  ...Object.keys(NAMED_PATTERNS),
  'iso_date_time',
  'iso_date',
  'iso_time',
  'iso_local_date',
  'iso_instant',
  'iso_local_date_time',
  'iso_local_time',
  'iso_offset_time',
  'iso_ordinal_date',
  'iso_week_date',
  'iso_zoned_date_time',
  'rfc_1123_date_time',
]);

/** Kestra's `FormatStyle` names, rendered with the locale's ICU date and time styles. */
const STYLES = new Map<string, 'full' | 'long' | 'medium' | 'short'>([
  ['full', 'full'],
  ['long', 'long'],
  ['medium', 'medium'],
  ['short', 'short'],
]);

const pad = (n: number, width: number) => {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
};

const nanoOfSecond = (m: Moment) => m.dt.millisecond * 1e6 + m.subMilliNanos;

/** Java's offset printers: `X`/`x`/`Z`/`O`, by count. */
function formatOffset(minutes: number, letter: 'X' | 'x' | 'Z' | 'O', count: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const hh = pad(Math.floor(Math.abs(minutes) / 60), 2);
  const mm = pad(Math.abs(minutes) % 60, 2);
  if (letter === 'O') {
    if (minutes === 0) return 'GMT';
    if (count === 4) return `GMT${sign}${hh}:${mm}`;
    return `GMT${sign}${Number(hh)}${mm === '00' ? '' : `:${mm}`}`;
  }
  if (letter === 'Z') {
    if (count <= 3) return `${sign}${hh}${mm}`;
    if (count === 4) return minutes === 0 ? 'GMT' : `GMT${sign}${hh}:${mm}`;
    return minutes === 0 ? 'Z' : `${sign}${hh}:${mm}`;
  }
  if (letter === 'X' && minutes === 0) return 'Z';
  if (count === 1) return `${sign}${hh}${mm === '00' ? '' : mm}`;
  if (count === 2 || count === 4) return `${sign}${hh}${mm}`;
  return `${sign}${hh}:${mm}`;
}

function formatNumber(m: Moment, s: Extract<PatternSegment, { kind: 'number' }>): string {
  const { dt } = m;
  const milliOfDay = ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1000 + dt.millisecond;
  switch (s.field) {
    case 'year':
      return pad(dt.year, s.width);
    case 'weekYear':
      return pad(dt.localWeekYear, s.width);
    case 'dayOfYear':
      return pad(dt.ordinal, s.width);
    case 'clockHour':
      return pad(dt.hour === 0 ? 24 : dt.hour, s.width);
    case 'hourOfHalfDay':
      return pad(dt.hour % 12, s.width);
    case 'milliOfDay':
      return pad(milliOfDay, s.width);
    case 'nanoOfDay':
      return `${milliOfDay}${pad(m.subMilliNanos, 6)}`.replace(/^0+(?=\d)/, '').padStart(s.width, '0');
    case 'nanoOfSecond':
      return pad(nanoOfSecond(m), s.width);
  }
}

const QUARTER_ORDINALS = ['1st', '2nd', '3rd', '4th'];

/** Formats with compiled Java pattern segments. */
export function formatSegments(m: Moment, segments: PatternSegment[], zone: ZoneChoice): string {
  let out = '';
  for (const s of segments) {
    switch (s.kind) {
      case 'literal':
        out += s.text;
        break;
      case 'luxon':
        out += m.dt.toFormat(s.token);
        break;
      case 'number':
        out += formatNumber(m, s);
        break;
      case 'fraction':
        out += pad(nanoOfSecond(m), 9).slice(0, s.digits);
        break;
      case 'offset':
        out += formatOffset(m.dt.offset, s.letter, s.count);
        break;
      case 'zoneId':
        out += zone.region ? (m.dt.zoneName ?? 'UTC') : formatOffset(m.dt.offset, 'X', 3);
        break;
      case 'quarterText':
        out += s.count === 3 ? `Q${m.dt.quarter}` : `${QUARTER_ORDINALS[m.dt.quarter - 1]} quarter`;
        break;
    }
  }
  return out;
}

/** `ISO_LOCAL_TIME`'s fraction: as many digits as needed, none when zero. */
function isoFraction(m: Moment): string {
  const nanos = nanoOfSecond(m);
  return nanos === 0 ? '' : `.${pad(nanos, 9).replace(/0+$/, '')}`;
}

/** `ISO_INSTANT`'s fraction: 0, 3, 6 or 9 digits. */
function instantFraction(m: Moment): string {
  const nanos = nanoOfSecond(m);
  if (nanos === 0) return '';
  const digits = pad(nanos, 9);
  return `.${nanos % 1e6 === 0 ? digits.slice(0, 3) : nanos % 1e3 === 0 ? digits.slice(0, 6) : digits}`;
}

/** Java's `ISO_*` and RFC 1123 formatters. */
function formatNamed(m: Moment, name: string, zone: ZoneChoice): string {
  const { dt } = m;
  const date = dt.toFormat('yyyy-MM-dd');
  const time = `${dt.toFormat('HH:mm:ss')}${isoFraction(m)}`;
  const offset = formatOffset(dt.offset, 'X', 5);
  const region = zone.region ? `[${dt.zoneName ?? 'UTC'}]` : '';
  switch (name) {
    case 'iso_date_time':
    case 'iso_zoned_date_time':
      return `${date}T${time}${offset}${region}`;
    case 'iso_date':
      return `${date}${offset}`;
    case 'iso_time':
    case 'iso_offset_time':
      return `${time}${offset}`;
    case 'iso_local_date':
      return date;
    case 'iso_instant': {
      const utc = dt.toUTC();
      return `${utc.toFormat('yyyy-MM-dd')}T${utc.toFormat('HH:mm:ss')}${instantFraction(m)}Z`;
    }
    case 'iso_local_date_time':
      return `${date}T${time}`;
    case 'iso_local_time':
      return time;
    case 'iso_ordinal_date':
      return `${dt.toFormat('yyyy-ooo')}${offset}`;
    case 'iso_week_date':
      return `${dt.toFormat("kkkk-'W'WW-")}${dt.weekday}${offset}`;
    case 'rfc_1123_date_time': {
      const en = dt.setLocale('en-US');
      const rfcOffset = dt.offset === 0 ? 'GMT' : formatOffset(dt.offset, 'Z', 1);
      return `${en.toFormat('EEE, d MMM yyyy HH:mm:ss')} ${rfcOffset}`;
    }
  }
  throw new Error(`unknown named format ${name}`);
}

const compiledPatterns = new Map<string, PatternSegment[]>();

/**
 * Kestra's `AbstractDate.format`: a named format (`iso`, `iso_sec`, `sql`,
 * `iso_date_time`, `rfc_1123_date_time`…), a style (`short`, `medium`,
 * `long`, `full`) or a Java pattern, in `zone` and `locale`.
 */
export function formatMoment(callee: Callee, m: Moment, format: string, zone: ZoneChoice, locale: string): string {
  const inZone: Moment = { dt: m.dt.setZone(zone.zone).setLocale(locale), subMilliNanos: m.subMilliNanos };
  if (!inZone.dt.isValid) throw stdlibError(callee, 'the date is out of range');
  const style = STYLES.get(format);
  if (style) return inZone.dt.toLocaleString({ dateStyle: style, timeStyle: style });
  if (NAMED_FORMATS.has(format) && !Object.hasOwn(NAMED_PATTERNS, format)) return formatNamed(inZone, format, zone);
  const pattern = Object.hasOwn(NAMED_PATTERNS, format) ? (NAMED_PATTERNS[format] as string) : format;
  let segments = compiledPatterns.get(pattern);
  if (!segments) {
    try {
      segments = compileJavaPattern(pattern);
    } catch (err) {
      if (err instanceof PatternError) throw stdlibError(callee, `argument 'format': ${err.message}`);
      throw err;
    }
    if (compiledPatterns.size >= 200) compiledPatterns.clear();
    compiledPatterns.set(pattern, segments);
  }
  return formatSegments(inZone, segments, zone);
}
