/**
 * Kestra compatibility suite, group `filters` (dates).
 *
 * Ported from kestra-io/kestra at commit 58c1ca2d0 (58c1ca2d0589c888328bacc3ee65e65dc4ba0a6a),
 * core/src/test/java/io/kestra/core/runners/pebble/filters/DateFilterTest.java.
 *
 * DateFilterTest.NOW is ZonedDateTime.parse("2013-09-08T16:19:12.123456+01").
 * The Java test passes it as java.util.Date, Instant, ZonedDateTime and
 * LocalDateTime; here each is the JSON Kestra writes for it (Jackson with
 * WRITE_DATES_AS_TIMESTAMPS off, JVM zone UTC), which Kestra's date filters
 * parse back to the same instant (AbstractDate#convert).
 *
 * DateFilterTest#instantmicro asserts Kestra's output at this commit,
 * `1378653552000123456` (seconds, then the nanosecond field: a bug Kestra's
 * documentation later records as fixed, "Previously, this expression has
 * wrongly returned a nano-precision timestamp"). DateFilterTest#now compares
 * with the current date and time, as the Java test does.
 */
import { type KestraCase, src } from '../case.js';
import { NOW_ZONED } from './fixtures.js';

const g = 'filters';

export const filtersDates: KestraCase[] = [
  {
    group: g,
    source: src('filters/DateFilterTest', 'dateFormat'),
    template:
      "{{ date | date(format='iso', timeZone='Europe/Paris') }}\n" +
      '{{ instant | date(format="iso_sec", timeZone="Europe/Paris") }}\n' +
      '{{ zoned | date(format="iso", timeZone="Europe/Paris") }}\n' +
      '{{ local | date(format="yyyy-MM-dd HH:mm:ss.SSSSSSXXX", timeZone="Europe/Paris") }}\n' +
      '{{ local | date(format="yyyy-MM-dd HH:mm:ss.SSSSSSXXX", timeZone="UTC") }}',
    vars: {
      // new Date(NOW.toEpochSecond() * 1000), as Jackson's StdDateFormat writes it
      date: '2013-09-08T15:19:12.000+00:00',
      // NOW.toInstant()
      instant: '2013-09-08T15:19:12.123456Z',
      // NOW
      zoned: NOW_ZONED,
      // NOW.toLocalDateTime()
      local: '2013-09-08T16:19:12.123456',
    },
    expected:
      '2013-09-08T17:19:12.000000+02:00\n' +
      '2013-09-08T17:19:12+02:00\n' +
      '2013-09-08T17:19:12.123456+02:00\n' +
      '2013-09-08 16:19:12.123456+02:00\n' +
      '2013-09-08 16:19:12.123456Z',
  },
  {
    group: g,
    source: src('filters/DateFilterTest', 'dateStringFormat'),
    template:
      '{{ "July 24, 2001" | date("yyyy-MM-dd", existingFormat="MMMM dd, yyyy") }}\n' +
      '{{ "2013-09-08T17:19:12+02:00" | date(timeZone="Europe/Paris") }}\n' +
      '{{ "2013-09-08T17:19:12" | date(timeZone="Europe/Paris") }}\n' +
      '{{ "2013-09-08" | date(timeZone="Europe/Paris") }}\n',
    expected:
      '2001-07-24\n' +
      '2013-09-08T17:19:12.000000+02:00\n' +
      '2013-09-08T17:19:12.000000+02:00\n' +
      '2013-09-08T00:00:00.000000+02:00\n',
  },
  {
    group: g,
    source: src('filters/DateFilterTest', 'timestamp'),
    template: '{{ zoned | timestamp(timeZone="Europe/Paris") }}',
    vars: { zoned: NOW_ZONED },
    expected: '1378653552',
  },
  {
    group: g,
    source: src('filters/DateFilterTest', 'timestampCompare'),
    template: "{{ (zoned | timestamp) > (zoned | dateAdd(-1, 'DAYS') | timestamp) }}",
    vars: { zoned: NOW_ZONED },
    expected: 'true',
  },
  {
    group: g,
    source: src('filters/DateFilterTest', 'dateRfc'),
    template:
      "{{ 'Tue, 08 Feb 2022 19:38:26 GMT' | date(existingFormat='rfc_1123_date_time', timeZone=\"Europe/Paris\") }}",
    vars: { zoned: NOW_ZONED },
    expected: '2022-02-08T20:38:26.000000+01:00',
  },
  {
    group: g,
    source: src('filters/DateFilterTest', 'instantnano'),
    template: '{{ zoned | timestampNano(timeZone="Europe/Paris") }}',
    vars: { zoned: NOW_ZONED },
    expected: '1378653552123456000',
  },
  {
    group: g,
    source: src('filters/DateFilterTest', 'instantmicro'),
    template: '{{ zoned | timestampMicro(timeZone="Europe/Paris") }}',
    vars: { zoned: NOW_ZONED },
    expected: '1378653552000123456',
    note: "Kestra's output at 58c1ca2d0 (seconds then nanoseconds); later Kestra returns microseconds",
  },
  // DateFilterTest#now: containsString(ZonedDateTime.now().format(ISO_LOCAL_DATE)), etc.
  {
    group: g,
    source: src('filters/DateFilterTest', 'now'),
    template: '{{ now() }}',
    expected: { now: { format: 'yyyy-MM-dd', contains: true } },
  },
  {
    group: g,
    source: src('filters/DateFilterTest', 'now'),
    template: '{{ now(timeZone="Europe/Lisbon") }}',
    expected: [
      { now: { format: 'yyyy-MM-dd', timeZone: 'Europe/Lisbon', contains: true } },
      { now: { format: 'HH:mm', timeZone: 'Europe/Lisbon', contains: true } },
    ],
  },
  {
    group: g,
    source: src('filters/DateFilterTest', 'now'),
    template: '{{ now(format="iso_local_date") }}',
    expected: { now: { format: 'yyyy-MM-dd', timeZone: 'Europe/Lisbon', contains: false } },
    note: "is(ZonedDateTime.now(ZoneId.of(\"Europe/Lisbon\")).format(ISO_LOCAL_DATE)): Kestra's test compares with Lisbon's date although now() uses the JVM's zone",
  },
  {
    group: g,
    source: src('filters/DateFilterTest', 'add'),
    template: '{{ zoned | dateAdd(-1,"DAYS",timeZone="Europe/Paris")}}',
    vars: { zoned: NOW_ZONED },
    expected: '2013-09-07T17:19:12.123456+02:00',
  },
];
