/**
 * Contexts several Kestra test classes share, as JSON.
 *
 * Source: kestra-io/kestra at commit 58c1ca2d0 (58c1ca2d0589c888328bacc3ee65e65dc4ba0a6a).
 *
 * KeysFilterTest, JqFilterTest#map, ToJsonFilterTest, ToIonFilterTest and
 * YamlFilterTest build the same map:
 *
 *   ZonedDateTime date = ZonedDateTime.parse("2013-09-08T16:19:00+02").withZoneSameLocal(ZoneId.systemDefault());
 *   Map.of("string", "string", "int", 1, "float", 1.123F, "list", Arrays.asList("string", 1, 1.123F),
 *          "bool", true, "date", date, "map", Map.of("string", "string", "int", 1, "float", 1.123F))
 *
 * As JSON (Jackson, JVM default zone UTC): the date is "2013-09-08T16:19:00Z"
 * (its ISO_OFFSET_DATE_TIME, which the tests compare with), the float 1.123.
 */

/** `date.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)` for a JVM whose default zone is UTC. */
export const SYSTEM_DATE = '2013-09-08T16:19:00Z';

/** The `second` map of KeysFilterTest, JqFilterTest#map, ToJsonFilterTest, ToIonFilterTest, YamlFilterTest. */
export const SECOND = {
  string: 'string',
  int: 1,
  float: 1.123,
  list: ['string', 1, 1.123],
  bool: true,
  date: SYSTEM_DATE,
  map: { string: 'string', int: 1, float: 1.123 },
};

/** `{ vars: { second: SECOND } }`. */
export const VARS_SECOND = { vars: { second: SECOND } };

/**
 * DateFilterTest.NOW = ZonedDateTime.parse("2013-09-08T16:19:12.123456+01"), as
 * Jackson writes it (ISO_OFFSET_DATE_TIME).
 */
export const NOW_ZONED = '2013-09-08T16:19:12.123456+01:00';

/**
 * PebbleVariableRendererTest and NullCoalescingExpressionTest:
 * `block: {test: {child: "awesome"}}, inner: "test"`.
 */
export const BLOCK_VARS = { block: { test: { child: 'awesome' } }, inner: 'test' };
