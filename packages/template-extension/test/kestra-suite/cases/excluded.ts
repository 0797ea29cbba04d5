/**
 * The renders of Kestra's Pebble tests (kestra-io/kestra at commit 58c1ca2d0,
 * 58c1ca2d0589c888328bacc3ee65e65dc4ba0a6a) that this suite does not port,
 * one entry per render (or per test method when it has no template), with
 * the reason. The runner counts them in RESULTS.md.
 */
import { src } from '../case.js';

export type ExclusionReason =
  | "Kestra's storage (files, read, fileSize, fileURI)"
  | "Kestra's KV store (kv)"
  | "Kestra's encryption key (encrypt/decrypt)"
  | 'errorLogs (Kestra execution logs)'
  | 'printContext/fetchContext (Kestra internals)'
  | 'Java type system (no text equivalent)';

export interface Exclusion {
  source: string;
  what: string;
  reason: ExclusionReason;
}

const STORAGE: ExclusionReason = "Kestra's storage (files, read, fileSize, fileURI)";
const JAVA: ExclusionReason = 'Java type system (no text equivalent)';

const times = (n: number, e: Exclusion): Exclusion[] => Array.from({ length: n }, () => e);

export const excluded: Exclusion[] = [
  // ReadFileFunctionTest: read() of namespace and internal-storage files
  {
    source: src('functions/ReadFileFunctionTest', 'readNamespaceFile'),
    what: "{{ render(read('<file>')) }}",
    reason: STORAGE,
  },
  {
    source: src('functions/ReadFileFunctionTest', 'readUnknownNamespaceFile'),
    what: "{{ read('unknown.txt') }}",
    reason: STORAGE,
  },
  ...times(2, {
    source: src('functions/ReadFileFunctionTest', 'readInternalStorageFile'),
    what: "{{ read('<kestra:// uri>') }}",
    reason: STORAGE,
  }),
  ...times(2, {
    source: src('functions/ReadFileFunctionTest', 'readInternalStorageURI'),
    what: '{{ read(file) }}',
    reason: STORAGE,
  }),
  ...times(3, {
    source: src('functions/ReadFileFunctionTest', 'readUnauthorizedInternalStorageFile'),
    what: "{{ read('<kestra:// uri>') }}",
    reason: STORAGE,
  }),
  {
    source: src('functions/ReadFileFunctionTest', 'readFailOnNonWorkerNodes'),
    what: "{{ read('unknown.txt') }}",
    reason: STORAGE,
  },
  // FileSizeFunctionTest
  ...[
    'returnsCorrectSize_givenStringUri_andCurrentExecution',
    'returnsCorrectSize_givenStringUri_andParentExecution',
    'shouldThrowIllegalArgumentException_givenMissingTrigger_andParentExecution',
    'shouldThrowIllegalArgumentException_givenTrigger_andParentExecution_andMissingNamespace',
    'returnsCorrectSize_givenUri_andCurrentExecution',
    'returnsCorrectSize_givenUri_andParentExecution',
  ].map((m) => ({ source: src('functions/FileSizeFunctionTest', m), what: '{{ fileSize(...) }}', reason: STORAGE })),
  // FileURIFunctionTest
  { source: src('functions/FileURIFunctionTest', 'fileURIFunction'), what: '{{ fileURI(fileA) }}', reason: STORAGE },
  {
    source: src('functions/FileURIFunctionTest', 'fileURIFunctionShouldThrowForIncorrectPath'),
    what: '{{ fileURI(fileA) }}',
    reason: STORAGE,
  },
  // KvFunctionTest (flows run against the KV store)
  {
    source: src('functions/KvFunctionTest', 'get'),
    what: "flow kv.yaml: {{ kv('my-key') }}",
    reason: "Kestra's KV store (kv)",
  },
  {
    source: src('functions/KvFunctionTest', 'getKeyNotFound'),
    what: "flow kv.yaml: {{ kv('my-key', inputs.namespace, inputs.errorOnMissing).field }}",
    reason: "Kestra's KV store (kv)",
  },
  // EncryptDecryptFunctionTest
  ...times(2, {
    source: src('functions/EncryptDecryptFunctionTest', 'missingParameter'),
    what: "{{encrypt('toto')}} / {{decrypt('toto')}}",
    reason: "Kestra's encryption key (encrypt/decrypt)",
  }),
  ...times(2, {
    source: src('functions/EncryptDecryptFunctionTest', 'encryptDecrypt'),
    what: "{{encrypt(secretKey, 'toto')}} then {{decrypt(secretKey, ...)}}",
    reason: "Kestra's encryption key (encrypt/decrypt)",
  }),
  // ErrorLogsFunctionTest
  ...['shouldReturnNothingWhenNoErrors', 'shouldReturnErrorsWhenExistsErrors'].map((m) => ({
    source: src('functions/ErrorLogsFunctionTest', m),
    what: '{{ errorLogs() }}',
    reason: 'errorLogs (Kestra execution logs)' as const,
  })),
  // FetchContextFunctionTest
  {
    source: src('functions/FetchContextFunctionTest', 'fromString'),
    what: '{{ printContext() }}',
    reason: 'printContext/fetchContext (Kestra internals)',
  },
  // Java type system
  {
    source: src('filters/JqFilterTest', 'typed'),
    what: '{{ vars | jq(".float") | first | className }} is java.lang.Float (a Java 1.123F; from JSON a double)',
    reason: JAVA,
  },
  {
    source: src('filters/ToIonFilterTest', 'toIonFilter'),
    what: '{{ vars.second.float | toIon }} is 1.1230000257492065e0 (a Java float widened to double)',
    reason: JAVA,
  },
  {
    source: src('filters/ToIonFilterTest', 'toIonFilter'),
    what: '{{ vars.second.list | toIon }} is ["string",1,1.1230000257492065e0] (same)',
    reason: JAVA,
  },
  {
    source: src('filters/ToIonFilterTest', 'toIonFilter'),
    what: '{{ vars.second.date | toIon }} starts with ZonedDateTime:: (Jackson Ion Java class annotation)',
    reason: JAVA,
  },
  {
    source: src('PebbleVariableRendererTest', 'out'),
    what: '{{ date }} is 2013-09-08T16:19+02:00 (ZonedDateTime#toString of a Java object)',
    reason: JAVA,
  },
  {
    source: src('PebbleVariableRendererTest', 'map'),
    what: 'entry "int": the Integer 1 (no template) comes back an Integer',
    reason: JAVA,
  },
  {
    source: src('PebbleVariableRendererTest', 'mapWithNestedNumberList'),
    what: 'a Java Map without templates comes back equal',
    reason: JAVA,
  },
  ...[
    'invalidAddition',
    'writeInts',
    'writeLongs',
    'writeDoubles',
    'writeFloats',
    'writeShorts',
    'writeBytes',
    'writeChars',
    'writeStrings',
    'writeObjects',
  ].map((m) => ({
    source: src('TypedObjectWriterTest', m),
    what: "unit test of Kestra's TypedObjectWriter (Java values, no template)",
    reason: JAVA,
  })),
];
