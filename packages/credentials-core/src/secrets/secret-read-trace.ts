import { SpanStatusCode } from '@opentelemetry/api';
import { ATTR, errorCode } from '../telemetry/attributes.js';
import { recordSecretRead } from '../telemetry/metrics.js';
import { failSpan, SPAN, tracer } from '../telemetry/tracing.js';
import { isFreshRead } from './fresh-reads.js';
import type { SecretProvider, SecretReadOptions } from './secret-provider.js';

/** Any method of a provider, as the view forwards it. */
type Method = (this: unknown, ...args: unknown[]) => unknown;

/** The traced views made so far: wrapping one of them again returns it as is. */
const traced = new WeakSet<object>();

/**
 * The same provider with each read in a `credflow.secret.read` span (a
 * child of the active span: a mint, a task) and counted in
 * `credflow.secret.reads`. For providers that go over the network (Vault,
 * cloud secret managers, a host's own); the span names the provider
 * (`credflow.secret.provider`) and the secret (`credflow.secret.name`),
 * never the value. A read past the caches (`options.fresh`, or inside
 * `readFresh()`: the rotation rule after `invalid_client`) is traced like
 * any other, with `credflow.secret.fresh: true`.
 *
 * The result has the provider's whole interface, not only
 * {@link SecretProvider}: it is a view of `provider` in which `get` is
 * traced and every other member (`list`, `clear()` of a cache, a host's
 * `close()` or `[Symbol.asyncDispose]()`, a getter, a field) is the
 * provider's own, called (getters and setters too) on the provider itself,
 * so methods that use private `#fields` keep working. `instanceof` still
 * holds. Wrapping a traced provider again returns it unchanged (one span per
 * read, never two).
 *
 * Where it goes relative to a cache: wrap the remote provider and put the
 * cache around the result, `new CachedSecretProvider(traceSecretProvider(remote), ttl)`,
 * as credflow does for the providers of `credflow.yaml`. Then a span and a
 * count mean a read that really reached the remote manager (concurrent
 * callers sharing one read give one span), and a value served from the
 * cache produces neither. Wrapped outside the cache, every lookup, cached
 * or not, would look like a remote read.
 */
export function traceSecretProvider<P extends SecretProvider>(provider: P): P {
  if (traced.has(provider)) return provider;
  const get = (name: string, options?: SecretReadOptions): Promise<string | undefined> => {
    const fresh = options?.fresh === true || isFreshRead();
    return tracer().startActiveSpan(
      SPAN.secretRead,
      {
        attributes: {
          [ATTR.secretProvider]: provider.description,
          ...(fresh ? { [ATTR.secretFresh]: true } : {}),
        },
      },
      async (span) => {
        try {
          const value = await provider.get(name, options);
          const outcome = value === undefined ? 'not_found' : 'success';
          // The name only once the manager knew it: a template can ask for a name made from a
          // secret's value (`secret(secret('A') | lower)`), and spans leave the process unmasked.
          if (value !== undefined) span.setAttribute(ATTR.secretName, name);
          span.setAttribute(ATTR.outcome, outcome);
          span.setStatus({ code: SpanStatusCode.OK });
          recordSecretRead(provider.description, outcome);
          return value;
        } catch (err) {
          const code = errorCode(err);
          failSpan(span, code);
          recordSecretRead(provider.description, 'error', code);
          throw err;
        } finally {
          span.end();
        }
      },
    );
  };
  /** Members bound to the provider, made once each so that `view.list === view.list`. */
  const bound = new Map<PropertyKey, { original: Method; fn: Method }>();
  const view = new Proxy(provider, {
    get(target, prop) {
      if (prop === 'get') return get;
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let b = bound.get(prop);
      if (b?.original !== value) {
        const original = value as Method;
        b = { original, fn: original.bind(target) };
        bound.set(prop, b);
      }
      return b.fn;
    },
    // Setters run on the provider too (one that writes a private field would throw on the view).
    set: (target, prop, value) => Reflect.set(target, prop, value, target),
  });
  traced.add(view);
  return view;
}
