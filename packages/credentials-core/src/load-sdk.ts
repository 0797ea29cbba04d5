import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { integrationOf, missingMessage, OPTIONAL_INTEGRATIONS } from './optional-packages.js';

const loaded = new Map<string, Promise<unknown>>();
const MISSING = Symbol('credflow.optionalPackageMissing');

/**
 * Imports an optional integration's library (a cloud SDK, ioredis) the
 * first time it is needed, so a config that does not use it (and start-up)
 * never pays for it. The specifier is a variable, so a bundler leaves the
 * import to Node; when the importer is a bundle whose folder cannot see
 * this package's dependencies, the library is found from this package's
 * own location. A library that is not installed rejects with the install
 * command ({@link isPackageMissing}); a config naming it fails earlier, at
 * load (config/secret-provider-schema.ts, config/cache-config.ts).
 */
export function loadSdk<T>(name: string): Promise<T> {
  let p = loaded.get(name);
  if (p === undefined) {
    const attempt: Promise<unknown> = import(name)
      .catch(async (err: unknown) => {
        if (!notFound(err)) throw err;
        const self = import.meta.resolve('@credflow/credentials-core');
        return import(pathToFileURL(createRequire(self).resolve(name)).href);
      })
      .catch((err: unknown) => {
        loaded.delete(name); // installed later (a long-running host): tried again
        if (!notFound(err)) throw err;
        const id = integrationOf(name);
        const pkg = { name, range: '*' };
        const integration = id === undefined ? undefined : OPTIONAL_INTEGRATIONS[id];
        const message = integration
          ? missingMessage(integration.what, integration.packages, [
              integration.packages.find((x) => x.name === name) ?? pkg,
            ])
          : `${name} is not installed: npm install ${name}`;
        throw Object.assign(new Error(message, { cause: err }), { [MISSING]: true });
      });
    p = attempt;
    loaded.set(name, p);
  }
  return p as Promise<T>;
}

/** Whether `err` is {@link loadSdk}'s rejection for a library that is not installed. */
export function isPackageMissing(err: unknown): err is Error {
  return err instanceof Error && (err as { [MISSING]?: boolean })[MISSING] === true;
}

function notFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
