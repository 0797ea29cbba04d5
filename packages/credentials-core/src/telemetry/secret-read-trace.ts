import { SpanStatusCode } from '@opentelemetry/api';
import type { SecretProvider } from '../secrets/secret-provider.js';
import { ATTR, errorCode } from './attributes.js';
import { recordSecretRead } from './metrics.js';
import { failSpan, SPAN, tracer } from './tracing.js';

/**
 * The same provider with each read in a `credflow.secret.read` span (a
 * child of the active span: a mint, a task) and counted in
 * `credflow.secret.reads`. For providers that go over the network (Vault,
 * cloud secret managers, a host's own); the span names the provider and the
 * secret, never the value.
 */
export function traceSecretProvider(provider: SecretProvider): SecretProvider {
  const traced: SecretProvider = {
    description: provider.description,
    get: (...args: Parameters<SecretProvider['get']>) =>
      tracer().startActiveSpan(
        SPAN.secretRead,
        { attributes: { [ATTR.secretName]: args[0], [ATTR.secretProvider]: provider.description } },
        async (span) => {
          try {
            const value = await provider.get(...args);
            const outcome = value === undefined ? 'not_found' : 'success';
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
      ),
  };
  if (provider.list) {
    const list = provider.list.bind(provider);
    traced.list = () => list();
  }
  return traced;
}
