import type { Dirent } from 'node:fs';
import { copyFile, mkdir, opendir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RE2JS } from 're2js';
import type { TaskContext } from '../task-type.js';
import { TaskError } from '../task-type.js';
import { badFileName } from './shell-tasks.js';

/** At most this many entries of the working directory are looked at for `outputFiles` (and this deep). */
export const MAX_ENTRIES = 10_000;
export const MAX_DEPTH = 32;
/** At most this many entries of one folder are read (and sorted). */
const MAX_LISTED = 10 * MAX_ENTRIES;
/** The order folders are looked at in (`String.prototype.localeCompare`'s, without making a collator per call). */
const byName = new Intl.Collator();

/**
 * Kestra's `inputFiles` (`FilesService.inputFiles`): a mapping of file name
 * to content (or a JSON object in a string), written in the working
 * directory before the command runs; a `kestra://` value is a file of the
 * run's storage (another task's `outputFiles`), copied; null is an empty
 * file. Names may hold folders. Contents are never logged.
 */
export async function writeInputFiles(dir: string, inputFiles: unknown, ctx: TaskContext): Promise<void> {
  let files = inputFiles;
  if (typeof files === 'string') {
    try {
      files = JSON.parse(files);
    } catch {
      throw new TaskError('not a mapping of file names to contents, nor one as JSON', { property: 'inputFiles' });
    }
  }
  if (!files || typeof files !== 'object' || Array.isArray(files)) {
    throw new TaskError('not a mapping of file names to contents', { property: 'inputFiles' });
  }
  for (const [name, content] of Object.entries(files)) {
    const bad = badFileName(name);
    if (bad) throw new TaskError(`file name ${JSON.stringify(name)} ${bad}`, { property: 'inputFiles' });
    const target = join(dir, ...name.split('/'));
    await mkdir(dirname(target), { recursive: true });
    if (typeof content === 'string' && content.startsWith('kestra://')) {
      if (!ctx.files) throw new TaskError('kestra:// files need the run storage', { property: `inputFiles.${name}` });
      await copyFile(await ctx.files.localPath(content), target);
    } else {
      const text =
        content === null || content === undefined
          ? ''
          : typeof content === 'object'
            ? JSON.stringify(content)
            : String(content);
      await writeFile(target, text, { mode: 0o600 });
    }
  }
}

/** The longest glob `outputFiles` takes, and how many globs. */
export const MAX_GLOB_LENGTH = 1_000;
export const MAX_GLOBS = 100;
/**
 * The most matching work one task's `outputFiles` may take: the RE2 program's
 * size times the path's length, summed over the paths and globs (the worst
 * case, every state of the program live on every character, runs about
 * 250,000 of these a millisecond: about two seconds). A glob runs on RE2, so
 * each match is linear in the path; this bounds the product with the number
 * of files and globs. Typical globs over thousands of files take a few
 * percent of it.
 */
export const MAX_MATCH_WORK = 500_000_000;
/** Matching yields to the event loop after this much work (about 40 ms), and stops if the task was ended. */
const YIELD_EVERY = 10_000_000;

/** One compiled glob. */
export interface GlobMatcher {
  /** The glob as written (after `glob:`). */
  readonly glob: string;
  /** Whether the whole of `path` (relative, `/`-separated) matches. */
  matches(path: string): boolean;
  /** The size of the compiled RE2 program (the work per character of a path). */
  readonly programSize: number;
}

let re2: typeof RE2JS | undefined;

/** ASCII punctuation: written `\c` in RE2 syntax, where it is always the character itself. */
const PUNCTUATION = /[!-/:-@[-`{-~]/;
const literal = (c: string) => (PUNCTUATION.test(c) ? `\\${c}` : c);
/** `.` of a JavaScript expression (what `**` was): anything but a line terminator. */
const ANY_BUT_LINE_END = '[^\\n\\r\\x{2028}\\x{2029}]';

const quoted = (glob: string) => JSON.stringify(glob.length > 100 ? `${glob.slice(0, 100)}…` : glob);
const refuse = (glob: string, why: string) =>
  new TaskError(`${quoted(glob)} is not a valid glob: ${why}`, { property: 'outputFiles' });

/**
 * A Java-style glob (`*`, `**`, `?`, `{a,b}`, `[...]`, `[!...]`) as an RE2
 * expression over `/`-separated paths: `*` and `?` stay within a folder,
 * `**` crosses folders, every other character is itself. These are the rules
 * the runner matched with (a JavaScript expression, which backtracks: a
 * glob like `*a*a*a*b` took minutes on a long name). Throws a
 * `TaskError` on `outputFiles`, naming the glob and why, for a glob that
 * cannot be read: `{` nested or not closed, a character class RE2 cannot
 * read (a range out of order).
 */
export function globToPattern(glob: string): string {
  let re = '';
  let inGroup = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += `${ANY_BUT_LINE_END}*`;
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      if (inGroup) throw refuse(glob, 'groups {…} cannot be nested');
      inGroup = true;
      re += '(?:';
    } else if (c === '}' && inGroup) {
      inGroup = false;
      re += ')';
    } else if (c === ',' && inGroup) re += '|';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += charClass(glob, glob.slice(i + 1, end));
        i = end;
      }
    } else re += literal(c);
  }
  if (inGroup) throw refuse(glob, 'a group { is not closed by }');
  return re;
}

/** `[body]` (`[!body]` negated), every character itself but `-` between two (a range). */
function charClass(glob: string, body: string): string {
  const negated = body.startsWith('!') || body.startsWith('^');
  const chars = negated ? body.slice(1) : body;
  // `[]` matches nothing and `[!]` any one character, as they did.
  if (chars === '') return negated ? '[\\x{0}-\\x{10FFFF}]' : '[^\\x{0}-\\x{10FFFF}]';
  let out = negated ? '[^' : '[';
  for (const c of chars) out += c === '-' ? '-' : literal(c);
  out += ']';
  try {
    loadRe2().compile(out);
  } catch {
    throw refuse(glob, `the character class [${body}] is not valid (a range out of order?)`);
  }
  return out;
}

function loadRe2(): typeof RE2JS {
  re2 ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JS }).RE2JS;
  return re2;
}

/** Compiles one glob of `outputFiles` (after `glob:`) for RE2: linear-time matching. */
export function compileGlob(glob: string): GlobMatcher {
  if (glob.length > MAX_GLOB_LENGTH)
    throw new TaskError(`${quoted(glob)} is longer than ${MAX_GLOB_LENGTH} characters`, { property: 'outputFiles' });
  const pattern = globToPattern(glob);
  let re: RE2JS;
  try {
    re = loadRe2().compile(pattern);
  } catch {
    throw refuse(glob, 'RE2 cannot read it');
  }
  return { glob, matches: (path) => re.matches(path), programSize: re.programSize() };
}

/**
 * Kestra's `outputFiles` (`FilesService.outputFiles`): the files of the
 * working directory whose path (relative, `/`-separated) matches one of the
 * globs, kept in the run's storage; returns their `kestra://` URIs by path.
 * Links are not followed. At most {@link MAX_ENTRIES} entries (files,
 * folders and others) are looked at, {@link MAX_DEPTH} folders deep; globs
 * run on RE2, and the matching work is bounded by {@link MAX_MATCH_WORK}.
 */
export async function keepOutputFiles(
  dir: string,
  patterns: string[],
  ctx: TaskContext,
): Promise<Record<string, string>> {
  const files = ctx.files;
  if (!files) throw new TaskError('outputFiles need the run storage', { property: 'outputFiles' });
  if (patterns.length > MAX_GLOBS)
    throw new TaskError(`at most ${MAX_GLOBS} globs (${patterns.length} given)`, { property: 'outputFiles' });
  const matchers = patterns.map((p) => {
    if (typeof p !== 'string') throw new TaskError('a glob is not a string', { property: 'outputFiles' });
    if (p.startsWith('regex:')) {
      throw new TaskError('regex: patterns are not supported: write a glob (e.g. out/*.csv)', {
        property: 'outputFiles',
      });
    }
    return compileGlob(p.startsWith('glob:') ? p.slice(5) : p);
  });
  const programs = matchers.reduce((sum, m) => sum + m.programSize, 0);
  const found: Record<string, string> = {};
  let entries = 0;
  let work = 0;
  let looked = 0;
  let nextYield = YIELD_EVERY;
  let truncated = false;
  const walk = async (sub: string, depth: number): Promise<void> => {
    // A folder is looked at in name order; one of more than MAX_LISTED entries only in part (a
    // million files are not listed and sorted).
    const listed: Dirent[] = [];
    for await (const e of await opendir(join(dir, sub))) {
      listed.push(e);
      if (listed.length >= MAX_LISTED) break;
    }
    listed.sort((a, b) => byName.compare(a.name, b.name));
    for (const e of listed) {
      if (ctx.signal.aborted) return;
      if (entries >= MAX_ENTRIES) {
        if (!truncated)
          ctx.log('WARN', `outputFiles: only the first ${MAX_ENTRIES} entries of the working directory were looked at`);
        truncated = true;
        return;
      }
      entries++;
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory() && depth < MAX_DEPTH) await walk(rel, depth + 1);
      else if (e.isFile()) {
        looked++;
        work += programs * Math.max(1, rel.length);
        if (work > MAX_MATCH_WORK) {
          throw new TaskError(
            `matching ${matchers.length} glob(s) against the working directory's files is too much work (stopped after ${looked - 1} files): write fewer or shorter globs`,
            { property: 'outputFiles' },
          );
        }
        if (work >= nextYield) {
          nextYield = work + YIELD_EVERY;
          await new Promise((resolve) => setImmediate(resolve));
          if (ctx.signal.aborted) return;
        }
        if (matchers.some((m) => m.matches(rel))) {
          found[rel] = await files.put(rel, join(dir, ...rel.split('/')));
        }
      }
    }
  };
  await walk('', 0);
  return found;
}
