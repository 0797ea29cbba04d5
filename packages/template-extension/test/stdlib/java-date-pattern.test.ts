import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { formatSegments } from '../../src/stdlib/date-values.js';
import { compileJavaPattern, luxonParseFormat } from '../../src/stdlib/java-date-pattern.js';

const paris = { zone: DateTime.now().setZone('Europe/Paris').zone, region: true };
// 2013-09-08T16:19:12.123456+01:00 = 17:19:12.123456 in Paris (CEST)
const moment = {
  dt: DateTime.fromISO('2013-09-08T16:19:12.123+01:00', { setZone: false }).setZone('Europe/Paris').setLocale('en-US'),
  subMilliNanos: 456_000,
};
const fmt = (pattern: string) => formatSegments(moment, compileJavaPattern(pattern), paris);

describe('Java patterns to Luxon tokens', () => {
  it.each([
    ['yyyy-MM-dd', '2013-09-08'],
    ["yyyy-MM-dd'T'HH:mm:ss", '2013-09-08T17:19:12'],
    ["yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX", '2013-09-08T17:19:12.123456+02:00'],
    ['yy/M/d H:m:s', '13/9/8 17:19:12'],
    ['MMM MMMM EEE EEEE', 'Sep September Sun Sunday'],
    ['hh:mm a', '05:19 PM'],
    ['SSS|S|SSSSSSSSS', '123|1|123456000'],
    ['X|XX|XXX|x|Z|ZZZZZ|ZZZZ|O|OOOO', '+02|+0200|+02:00|+02|+0200|+02:00|GMT+02:00|GMT+2|GMT+02:00'],
    ['VV', 'Europe/Paris'],
    ['D DDD QQQ G', '251 251 Q3 AD'],
    ['k K', '17 5'],
  ])('%s', (pattern, expected) => {
    expect(fmt(pattern)).toBe(expected);
  });

  it("follows Java's quoting rules", () => {
    expect(fmt("'at' HH 'o''clock'")).toBe("at 17 o'clock");
    expect(fmt("''yyyy''")).toBe("'2013'");
    expect(fmt("'Q'Q")).toBe('Q3');
    expect(fmt('[yyyy]')).toBe('2013');
  });

  it('prints Z for a zero offset with X, +00 with x', () => {
    const utc = { dt: moment.dt.setZone('UTC'), subMilliNanos: 0 };
    const seg = compileJavaPattern('X|XXX|x|Z');
    expect(formatSegments(utc, seg, { zone: utc.dt.zone, region: true })).toBe('Z|Z|+00|+0000');
  });

  it('refuses what Java refuses or Luxon cannot print, naming the letter', () => {
    expect(() => compileJavaPattern('yyyy-MM-dd #')).toThrow("'#' is reserved");
    expect(() => compileJavaPattern("yyyy 'open")).toThrow('unclosed quote');
    expect(() => compileJavaPattern('ddd')).toThrow("too many 'd' letters");
    expect(() => compileJavaPattern('W')).toThrow("pattern letter 'W' (week-of-month) is not supported");
    expect(() => compileJavaPattern('b')).toThrow("unknown pattern letter 'b'");
    expect(() => compileJavaPattern('y'.repeat(201))).toThrow('longer than 200');
  });

  it('translates parse patterns to Luxon fromFormat strings', () => {
    expect(luxonParseFormat('MMMM dd, yyyy')).toBe('MMMM dd, yyyy');
    expect(luxonParseFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")).toBe("yyyy-MM-dd'T'HH:mm:ss.SSSZZ");
    expect(luxonParseFormat('dd/MM/yyyy HH:mm:ss.SSSSSS')).toBe('dd/MM/yyyy HH:mm:ss.u');
    expect(() => luxonParseFormat("hh 'o''clock'")).toThrow('quote');
    expect(() => luxonParseFormat('yyyy[-MM]')).toThrow('optional sections');
  });
});
