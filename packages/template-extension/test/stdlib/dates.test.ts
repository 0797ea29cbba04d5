import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderError, renderWith } from './stdlib-env.js';

const ZONED = { zoned: '2013-09-08T16:19:12.123456+01:00' };

describe('date', () => {
  it('formats in UTC by default, with the iso format by default', async () => {
    expect(await renderWith('<< zoned | date >>', ZONED)).toBe('2013-09-08T15:19:12.123456Z');
    expect(await renderWith('<< zoned | date("yyyy-MM-dd HH:mm") >>', ZONED)).toBe('2013-09-08 15:19');
  });

  it('takes format, timeZone, existingFormat and locale by position or name', async () => {
    expect(await renderWith('<< zoned | date(format="HH:mm", timeZone="America/New_York") >>', ZONED)).toBe('11:19');
    expect(await renderWith('<< "08/09/2013" | date("yyyy-MM-dd", existingFormat="dd/MM/yyyy") >>')).toBe('2013-09-08');
    expect(await renderWith('<< zoned | date("EEEE d MMMM", locale="fr_FR") >>', ZONED)).toBe('dimanche 8 septembre');
    expect(await renderWith('<< zoned | date("HH:mm", timeZone="+05:30") >>', ZONED)).toBe('20:49');
  });

  it('reads epoch seconds, ISO text with a zone id and host dates', async () => {
    expect(await renderWith('<< 1378653552 | date("iso_instant") >>')).toBe('2013-09-08T15:19:12Z');
    expect(
      await renderWith(
        '<< "2013-09-08T17:19:12+02:00[Europe/Paris]" | date("iso_date_time", timeZone="Europe/Paris") >>',
      ),
    ).toBe('2013-09-08T17:19:12+02:00[Europe/Paris]');
    expect(await renderWith('<< d | date("sql_seq") >>', { d: new Date('2013-09-08T15:19:12Z') })).toBe(
      '2013-09-08 15:19:12',
    );
  });

  it('prints the named formats as Java does', async () => {
    const r = (f: string) => renderWith(`<< zoned | date("${f}", timeZone="Europe/Paris") >>`, ZONED);
    expect(await r('iso_local_date_time')).toBe('2013-09-08T17:19:12.123456');
    expect(await r('iso_instant')).toBe('2013-09-08T15:19:12.123456Z');
    expect(await r('iso_date')).toBe('2013-09-08+02:00');
    expect(await r('iso_week_date')).toBe('2013-W36-7+02:00');
    expect(await r('iso_ordinal_date')).toBe('2013-251+02:00');
    expect(await r('rfc_1123_date_time')).toBe('Sun, 8 Sep 2013 17:19:12 +0200');
    expect(await r('sql')).toBe('2013-09-08 17:19:12.123456');
  });

  it('gives null for null', async () => {
    expect(await renderWith('<< (none | date) is none >>', { none: null })).toBe('true');
  });

  it('fails with the filter and the argument named, never the value', async () => {
    const secretish = 'S3cr3t-not-a-date';
    const m = await renderError('<< v | date("yyyy") >>', { v: secretish });
    expect(m).toContain("filter 'date'");
    expect(m).not.toContain(secretish);
    expect(await renderError('<< zoned | date("yyyy", timeZone="Mars/Olympus") >>', ZONED)).toContain(
      "'timeZone' is not a known time zone",
    );
    expect(await renderError('<< zoned | date("yyyy #") >>', ZONED)).toContain("argument 'format': '#' is reserved");
    expect(await renderError('<< zoned | date(pattern="yyyy") >>', ZONED)).toContain("unknown argument 'pattern'");
    expect(await renderError('<< "x" | date("yyyy", existingFormat="dd/MM/yyyy") >>')).toContain(
      'does not match existingFormat',
    );
  });
});

describe('dateAdd', () => {
  it('adds Java ChronoUnits, keeping the local time across DST for days', async () => {
    expect(
      await renderWith('<< "2024-03-30T12:00:00" | dateAdd(1, "DAYS", timeZone="Europe/Paris", format="iso_sec") >>'),
    ).toBe('2024-03-31T12:00:00+02:00');
    expect(
      await renderWith('<< "2024-03-30T12:00:00" | dateAdd(24, "HOURS", timeZone="Europe/Paris", format="iso_sec") >>'),
    ).toBe('2024-03-31T13:00:00+02:00');
    expect(await renderWith('<< "2024-01-31" | dateAdd(1, "MONTHS", format="yyyy-MM-dd") >>')).toBe('2024-02-29');
    expect(await renderWith('<< "2024-01-01T00:00:00.000000001Z" | dateAdd(-2, "NANOS") >>')).toBe(
      '2023-12-31T23:59:59.999999Z',
    );
    expect(await renderWith('<< "2024-01-01" | dateAdd(3, "HALF_DAYS", format="iso_local_date_time") >>')).toBe(
      '2024-01-02T12:00:00',
    );
  });

  it('refuses unknown units and non-integer amounts', async () => {
    expect(await renderError('<< "2024-01-01" | dateAdd(1, "FORTNIGHTS") >>')).toContain(
      "argument 'unit' must be one of",
    );
    expect(await renderError('<< "2024-01-01" | dateAdd(1.5, "DAYS") >>')).toContain(
      "argument 'amount' must be an integer",
    );
  });
});

describe('timestamps and now()', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2024-07-09T06:17:01.171Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads local text in timeZone', async () => {
    expect(await renderWith('<< "2024-07-09T11:47:01" | timestamp(timeZone="Asia/Kolkata") >>')).toBe('1720505821');
    expect(await renderWith('<< "09/07/2024" | timestamp(existingFormat="dd/MM/yyyy") >>')).toBe('1720483200');
  });

  it('returns numbers for seconds and milliseconds, text for micro and nano', async () => {
    expect(await renderWith('<< (now() | timestamp) + 1 >>')).toBe('1720505822');
    expect(await renderWith('<< (now() | timestampMilli) + 1 >>')).toBe('1720505821172');
    expect(await renderWith('<< (now() | timestampNano) ~ "" >>')).toBe('1720505821171000000');
    expect(await renderWith('<< "1969-12-31T23:59:59.5Z" | timestamp >>')).toBe('-1');
  });

  it('now() takes format, timeZone and locale', async () => {
    expect(await renderWith('<< now(format="iso_local_date") >>')).toBe('2024-07-09');
    expect(await renderWith('<< now("EEEE", locale="de") >>')).toBe('Dienstag');
    expect(await renderWith('<< now(format="HH:mm", timeZone="Asia/Kolkata") >>')).toBe('11:47');
  });
});
