/**
 * The names of Kestra's expression language (Pebble's core and Kestra's
 * `Extension`, kestra-io/kestra 58c1ca2d0
 * core/src/main/java/io/kestra/core/runners/pebble/Extension.java), so a
 * template that uses one credflow lacks is told so by name ("`kv` is a
 * Kestra function credflow does not support yet"), not as a generic
 * unknown name.
 */
const FILTERS = [
  // Pebble's core filters
  'abbreviate',
  'abs',
  'base64decode',
  'base64encode',
  'capitalize',
  'default',
  'escape',
  'first',
  'join',
  'last',
  'length',
  'lower',
  'numberformat',
  'raw',
  'replace',
  'reverse',
  'rsort',
  'sha256',
  'slice',
  'sort',
  'split',
  'title',
  'trim',
  'upper',
  'urlencode',
  'merge',
  // Kestra's
  'chunk',
  'className',
  'date',
  'dateAdd',
  'timestamp',
  'timestampMicro',
  'timestampNano',
  'jq',
  'escapeChar',
  'json',
  'toJson',
  'keys',
  'number',
  'urldecode',
  'slugify',
  'substringBefore',
  'substringBeforeLast',
  'substringAfter',
  'substringAfterLast',
  'flatten',
  'indent',
  'nindent',
  'yaml',
  'startsWith',
  'endsWith',
  'values',
  'toIon',
  'sha1',
  'sha512',
  'md5',
  'distinct',
  'numberFormat',
];
const FUNCTIONS = [
  'max',
  'min',
  'range',
  'block',
  'parent',
  'i18n',
  'now',
  'json',
  'fromJson',
  'currentEachOutput',
  'secret',
  'kv',
  'read',
  'fileURI',
  'render',
  'renderOnce',
  'encrypt',
  'decrypt',
  'yaml',
  'printContext',
  'fetchContext',
  'uuid',
  'id',
  'fromIon',
  'fileSize',
  'errorLogs',
  'randomInt',
  'isFileEmpty',
];
const TESTS = ['defined', 'empty', 'even', 'iterable', 'map', 'null', 'odd', 'json'];

/** Why credflow lacks some of them. */
const REASONS: Readonly<Record<string, string>> = {
  kv: "it reads Kestra's KV store",
  read: "it reads Kestra's internal storage",
  fileURI: "it reads Kestra's internal storage",
  fileSize: "it reads Kestra's internal storage",
  isFileEmpty: "it reads Kestra's internal storage",
  encrypt: "it needs Kestra's encryption key",
  decrypt: "it needs Kestra's encryption key",
  errorLogs: "it reads Kestra's execution logs",
  printContext: "it prints Kestra's whole render context",
  fetchContext: "it prints Kestra's whole render context",
  currentEachOutput: "it reads Kestra's ForEachItem outputs",
  i18n: 'credflow has no message bundles',
};

const KNOWN = { filter: new Set(FILTERS), function: new Set(FUNCTIONS), test: new Set(TESTS) } as const;

/**
 * For a name a template uses that the environment lacks: the message saying
 * it is a Kestra feature credflow does not support yet (with why, where
 * known), or `undefined` when Kestra does not have it either.
 */
export function kestraUnsupported(kind: 'filter' | 'function' | 'test', name: string): string | undefined {
  if (!KNOWN[kind].has(name)) return undefined;
  const why = Object.hasOwn(REASONS, name) ? ` (${REASONS[name]})` : '';
  return `'${name}' is a Kestra ${kind} credflow does not support yet${why}`;
}
