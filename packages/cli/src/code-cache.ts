import { hash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, sep } from 'node:path';
import * as vm from 'node:vm';

/**
 * V8's code cache for the bundled CLI (`dist/bin/*.cjs`, built by
 * build-cli.mjs). Node 20 has no compile cache of its own
 * (`module.enableCompileCache` came in Node 22), and compiling the code a
 * run needs (zod, yaml, nunjucks, the sandbox, the executor) was most of the
 * CLI's start-up. The build runs a representative workload once and saves,
 * next to each chunk, the bytecode V8 compiled for it (`<chunk>.v8cache`);
 * the CLI hands it back to V8 when it compiles the chunk.
 *
 * Only files of the bundle's own folder are compiled here; every other
 * module loads as Node loads it. The cache is trusted as the code beside it
 * is (it is written by the build, in the package's folder, never at run
 * time). V8 refuses a cache made by another V8 version, with other flags or
 * for a source of another length, and then compiles the source as usual: a
 * CLI built with one Node.js and run with another starts as it did before the
 * cache. V8 does not check the bytes of a cache it takes (a damaged file can
 * crash the process), so each file starts with the SHA-1 of the rest, checked
 * before V8 sees it: a damaged file counts as refused.
 */

/** Suffix of a chunk's cache file. */
export const CODE_CACHE_SUFFIX = '.v8cache';
/** Bytes of the SHA-1 that starts a cache file. */
const DIGEST_BYTES = 20;

/** The cache in `file` when its digest matches, else undefined (damaged, truncated). */
function readChecked(file: string): Buffer | undefined {
  const bytes = readFileSync(file);
  const data = bytes.subarray(DIGEST_BYTES);
  const digest = hash('sha1', data, 'buffer') as unknown as Buffer;
  return bytes.length > DIGEST_BYTES && digest.equals(bytes.subarray(0, DIGEST_BYTES)) ? data : undefined;
}

/** What the chunks of one process did with their caches. */
export interface CodeCacheUse {
  /** Each chunk compiled so far, by file name (to write its cache at build time). */
  readonly scripts: Map<string, vm.Script>;
  /** Chunks whose cache V8 took. */
  used: number;
  /** Chunks whose cache V8 refused (another Node.js, other flags, another source). */
  rejected: number;
  /** Chunks without a cache file. */
  missing: number;
}

/**
 * CommonJS's wrapper, plus the `import()` the chunks call (build-cli.mjs
 * rewrites theirs to it): Node 20 loses a script's own dynamic-import
 * callback when V8 takes its code cache from another process.
 */
const WRAPPER = '(function (exports, require, module, __filename, __dirname, __credflowImport) { ';
const dynamicImport = (specifier: string): Promise<unknown> => import(specifier);

type Compile = (this: Module, content: string, filename: string) => unknown;

let installed: CodeCacheUse | undefined;

/**
 * Compiles the CommonJS files under `dir` with their code cache (when
 * present) from now on, for this process. Idempotent per process.
 */
export function installCodeCache(dir: string): CodeCacheUse {
  if (installed) return installed;
  const use: CodeCacheUse = { scripts: new Map(), used: 0, rejected: 0, missing: 0 };
  installed = use;
  const root = dir.endsWith(sep) ? dir : dir + sep;
  const proto = Module.prototype as unknown as { _compile: Compile };
  const compile = proto._compile;
  proto._compile = function (this: Module, content: string, filename: string) {
    if (!filename.startsWith(root) || !filename.endsWith('.cjs')) return compile.call(this, content, filename);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readChecked(filename + CODE_CACHE_SUFFIX);
      if (cachedData === undefined) use.rejected++;
    } catch {
      use.missing++;
    }
    // A leading `#!` line is blanked (the wrapper goes before it); line numbers stay.
    const source = content.startsWith('#!') ? content.replace(/^#!.*/, '') : content;
    const script = new vm.Script(`${WRAPPER}${source}\n});`, { filename, ...(cachedData ? { cachedData } : {}) });
    if (cachedData) {
      if (script.cachedDataRejected) use.rejected++;
      else use.used++;
    }
    use.scripts.set(filename, script);
    const wrapper = script.runInThisContext({ displayErrors: true }) as (
      exports: unknown,
      require: NodeJS.Require,
      module: Module,
      filename: string,
      dirname: string,
      dynamicImport: (specifier: string) => Promise<unknown>,
    ) => unknown;
    return wrapper.call(
      this.exports,
      this.exports,
      createRequire(filename),
      this,
      filename,
      dirname(filename),
      dynamicImport,
    );
  };
  return use;
}

/**
 * Writes the cache of every chunk compiled in this process (the build calls
 * this after its warm-up run, so the cache holds the functions the run
 * compiled, not only the top level).
 */
export function writeCodeCache(use: CodeCacheUse): string[] {
  const written: string[] = [];
  for (const [file, script] of use.scripts) {
    const data = script.createCachedData();
    writeFileSync(file + CODE_CACHE_SUFFIX, Buffer.concat([hash('sha1', data, 'buffer') as unknown as Buffer, data]));
    written.push(file);
  }
  return written;
}

/** Exit code of a command that stopped before it finished (EX_SOFTWARE). */
const STALLED_EXIT = 70;

/** The `credflow` command of the bundle: loads its entry chunk with the code cache and runs `main`. */
export async function runBundle(entry: string, argv: string[]): Promise<number> {
  const use = installCodeCache(dirname(entry));
  const { main } = createRequire(entry)(entry) as { main: (argv: string[]) => Promise<number> };
  // A command that waits for something nothing can bring (the event loop is empty, the command has not
  // ended) would otherwise end the process silently: say so, and fail.
  const stalled = () => {
    process.stderr.write('credflow: the command stopped before it finished (a wait nothing can end): this is a bug\n');
    process.exitCode = STALLED_EXIT;
  };
  process.once('beforeExit', stalled);
  const code = await main(argv);
  process.removeListener('beforeExit', stalled);
  if (process.env.CREDFLOW_DEBUG_CODE_CACHE === '1') {
    process.stderr.write(
      `credflow: code cache: ${use.scripts.size} chunk(s), ${use.used} used, ${use.rejected} rejected, ${use.missing} without one\n`,
    );
  }
  return code;
}
