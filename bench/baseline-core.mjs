// The credentials-core of the commit before observability (issue 21), built
// once into node_modules/.cache, so the cache-hit bench can set getToken
// with instrumentation side by side with getToken without it, in one
// process. tsc emits even where that commit's types do not check.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = new URL('../', import.meta.url).pathname;
const SUBJECT = '^observability (issue 21';

/** The uninstrumented core's module, or undefined when git history is not available (e.g. a packed copy). */
export async function baselineCore() {
  let rev;
  try {
    const instrumented = execFileSync('git', ['log', '-1', '--format=%H', `--grep=${SUBJECT}`], { cwd: ROOT })
      .toString()
      .trim();
    if (!instrumented) return undefined;
    rev = execFileSync('git', ['rev-parse', `${instrumented}^`], { cwd: ROOT })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
  const dir = join(ROOT, 'node_modules', '.cache', 'credflow-bench-baseline', rev);
  const pkg = join(dir, 'packages', 'credentials-core');
  const entry = join(pkg, 'dist', 'index.js');
  if (!existsSync(entry)) {
    mkdirSync(dir, { recursive: true });
    const archive = execFileSync('git', ['archive', rev, 'tsconfig.base.json', 'packages/credentials-core'], {
      cwd: ROOT,
      maxBuffer: 1 << 28,
    });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    if (!existsSync(join(pkg, 'node_modules'))) {
      symlinkSync(join(ROOT, 'packages', 'credentials-core', 'node_modules'), join(pkg, 'node_modules'));
    }
    try {
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
        {
          cwd: pkg,
          stdio: 'ignore',
        },
      );
    } catch {
      // Type errors of that commit: the JavaScript is emitted all the same.
    }
    if (!existsSync(entry)) return undefined;
  }
  return { module: await import(pathToFileURL(entry).href), rev: rev.slice(0, 7) };
}
