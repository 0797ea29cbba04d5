/**
 * The libraries behind parts of the standard library only some templates
 * use, optional peer dependencies of `@credflow/template-extension` (a host
 * app installs them when its templates call these; `@credflow/cli` brings
 * them): jq for the `jq` filter, ion-js for `fromIon()`. Ranges as in
 * package.json's `peerDependencies` (a test keeps them equal).
 */
export const OPTIONAL_LIBRARIES = {
  jq: { name: 'jq-web', range: '~0.6.2', usedBy: "the 'jq' filter" },
  ion: { name: 'ion-js', range: '^5.2.1', usedBy: 'fromIon()' },
} as const;

type OptionalLibrary = (typeof OPTIONAL_LIBRARIES)[keyof typeof OPTIONAL_LIBRARIES];

/** What a template calling a part whose library is not installed is told, with the exact install command. */
export function notInstalledMessage(library: OptionalLibrary): string {
  return `${library.usedBy} needs ${library.name}, which is not installed (an optional dependency of @credflow/template-extension): npm install ${library.name}@${library.range}`;
}

/** Whether `err` is the failure to import package `name` (not installed), not an error inside it. */
export function isNotInstalled(err: unknown, name: string): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  return (
    (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') &&
    typeof e.message === 'string' &&
    e.message.includes(`'${name}'`)
  );
}
