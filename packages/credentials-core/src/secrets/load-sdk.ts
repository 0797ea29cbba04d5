import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const loaded = new Map<string, Promise<unknown>>();

/**
 * Imports a cloud SDK the first time a provider needs it, so a config that
 * does not use it (and start-up) never pays for it. The specifier is a
 * variable, so a bundler leaves the import to Node; when the importer is a
 * bundle whose folder cannot see this package's dependencies (the CLI's),
 * the SDK is found from this package's own location.
 */
export function loadSdk<T>(name: string): Promise<T> {
  let p = loaded.get(name);
  if (p === undefined) {
    p = import(name).catch(async (err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
      const self = import.meta.resolve('@credflow/credentials-core');
      return import(pathToFileURL(createRequire(self).resolve(name)).href);
    });
    loaded.set(name, p);
  }
  return p as Promise<T>;
}
