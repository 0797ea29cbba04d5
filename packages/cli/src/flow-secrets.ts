import {
  type CredentialStore,
  EnvSecretProvider,
  FileSecretProvider,
  type SecretProvider,
} from '@credflow/credentials-core';
import { didYouMean, formatPath } from '@credflow/credentials-core/internal';
import { analyzeTemplate } from '@credflow/template-extension';

/** The `checkTemplate` of `loadFlow`: problems of one template string of a flow. */
type TemplateCheck<F> = (src: string, flow: F, path?: readonly (string | number)[]) => string[];

/** The parts of a flow this check reads. */
interface FlowShape {
  syntax?: 'credflow' | 'pebble';
  namespace: string;
  source?: { file: string };
}

/** What a scope's providers hold, when every one of them can list its names without reading a value. */
interface KnownSecrets {
  names: ReadonlySet<string>;
  /** The providers, as they describe themselves (`env SECRET_<NAME>`), for the message. */
  providers: string[];
}

/**
 * The names the secret providers of `tenantId` (and of each configured
 * namespace) hold, read once before a flow is checked: only providers that
 * list cheaply and locally (environment variables, a directory) are asked.
 * A scope with any other provider (Vault, a cloud secret manager) gets no
 * check: a name that none lists may be there, and listing a remote
 * manager costs requests and rights. Names only, never a value.
 */
export async function knownSecrets(
  store: CredentialStore,
  tenantId: string,
): Promise<(namespace: string) => KnownSecrets | undefined> {
  const listed = new Map<SecretProvider, string[]>();
  const scopes = [
    { tenantId },
    ...[...(store.config.tenants.get(tenantId)?.namespaces.keys() ?? [])].map((namespace) => ({ tenantId, namespace })),
  ];
  for (const scope of scopes) {
    for (const p of store.secretProviders(scope)) {
      if (listed.has(p) || !(p instanceof EnvSecretProvider || p instanceof FileSecretProvider)) continue;
      try {
        listed.set(p, await p.list());
      } catch {
        // A directory that cannot be read: no check for the scopes that use it.
      }
    }
  }
  return (namespace) => {
    const providers = store.secretProviders({ tenantId, namespace });
    if (!providers.every((p) => listed.has(p))) return undefined;
    return {
      names: new Set(providers.flatMap((p) => listed.get(p) ?? [])),
      providers: providers.map((p) => p.description),
    };
  };
}

/**
 * `check`, plus every literal `secret('NAME')` of the string against the
 * names the flow's scope holds (SPEC section 6), with "did you mean" the
 * nearest one: `template line 3: secret 'CLIENT_SECERT' is not found for
 * this flow (tenant 'main', namespace 'company.team'; env SECRET_<NAME>)
 * (did you mean 'CLIENT_SECRET'?)`. `loadFlow` adds the file, the YAML path
 * and the line.
 */
export function withSecretCheck<F extends FlowShape>(
  check: TemplateCheck<F>,
  envOf: (flow: F) => Parameters<typeof analyzeTemplate>[0],
  known: (namespace: string) => KnownSecrets | undefined,
  tenantId: string,
): TemplateCheck<F> {
  return (src, flow, path) => {
    const problems = check(src, flow, path);
    if (!src.includes('secret')) return problems;
    const secrets = known(flow.namespace);
    if (secrets === undefined) return problems;
    // The name the runner's own check gives the string, so its compiled template is reused.
    const name = path && flow.source ? `${flow.source.file}#${formatPath([...path])}` : undefined;
    const analysis = analyzeTemplate(envOf(flow), src, name);
    // A syntax error is reported by the runner's check.
    if (analysis.error) return problems;
    for (const call of analysis.calls) {
      if (call.name !== 'secret' || call.key === undefined || secrets.names.has(call.key)) continue;
      const where = `tenant '${tenantId}', namespace '${flow.namespace}'; ${secrets.providers.join(', ') || 'no secret provider'}`;
      problems.push(
        `template line ${call.line}: secret '${call.key}' is not found for this flow (${where})${didYouMean(call.key, secrets.names)}`,
      );
    }
    return problems;
  };
}
