import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Directories whose `node_modules` (and their parents') can hold an
 * optional package: this module's own (credentials-core's, or the bundle's
 * that holds its code, as the CLI's) and, when they differ,
 * credentials-core's as the importer resolves it.
 */
function searchDirs(): string[] {
  const dirs = [dirname(fileURLToPath(import.meta.url))];
  try {
    const core = dirname(fileURLToPath(import.meta.resolve('@credflow/credentials-core')));
    if (!dirs.includes(core)) dirs.push(core);
  } catch {
    // Not resolvable from here (a bundle without the package): its own folder is all there is.
  }
  return dirs;
}

/**
 * Whether package `name` is installed where credflow can import it: a
 * `node_modules/<name>/package.json` in one of the search directories or
 * their parents, as Node's resolution walks them. Synchronous and cheap (a
 * few `stat`s), so a config can be checked while it is validated.
 */
export function isPackageInstalled(name: string): boolean {
  for (const start of searchDirs()) {
    for (let dir = start; ; ) {
      if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return true;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return false;
}
