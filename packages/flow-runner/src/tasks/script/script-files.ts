import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TaskContext } from '../task-type.js';
import { TaskError } from '../task-type.js';
import { badFileName } from './shell-tasks.js';

/** At most this many files are looked at for `outputFiles` (and this deep). */
const MAX_FILES = 10_000;
const MAX_DEPTH = 32;

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

/** A Java-style glob (`*`, `**`, `?`, `{a,b}`, `[...]`) as a regular expression over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let inGroup = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
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
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^$|()\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Kestra's `outputFiles` (`FilesService.outputFiles`): the files of the
 * working directory whose path (relative, `/`-separated) matches one of the
 * globs, kept in the run's storage; returns their `kestra://` URIs by path.
 * Links are not followed.
 */
export async function keepOutputFiles(
  dir: string,
  patterns: string[],
  ctx: TaskContext,
): Promise<Record<string, string>> {
  const files = ctx.files;
  if (!files) throw new TaskError('outputFiles need the run storage', { property: 'outputFiles' });
  const matchers = patterns.map((p) => {
    if (p.startsWith('regex:')) {
      throw new TaskError('regex: patterns are not supported: write a glob (e.g. out/*.csv)', {
        property: 'outputFiles',
      });
    }
    return globToRegExp(p.startsWith('glob:') ? p.slice(5) : p);
  });
  const found: Record<string, string> = {};
  let count = 0;
  const walk = async (sub: string, depth: number): Promise<void> => {
    const entries = await readdir(join(dir, sub), { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (count >= MAX_FILES) return;
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory() && depth < MAX_DEPTH) await walk(rel, depth + 1);
      else if (e.isFile()) {
        count++;
        if (matchers.some((m) => m.test(rel))) {
          found[rel] = await files.put(rel, join(dir, ...rel.split('/')));
        }
      }
    }
  };
  await walk('', 0);
  return found;
}
