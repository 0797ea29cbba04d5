import { z } from 'zod';
import { type RunnableTaskType, TaskError } from './task-type.js';
import { orTemplate, templated, toBoolean } from './template-values.js';

const authSchema = z.strictObject({
  type: z.enum(['BEARER', 'BASIC']),
  token: templated.optional(),
  username: templated.optional(),
  password: templated.optional(),
  /**
   * Key of a credential whose TLS client certificate (RFC 8705) this request
   * presents, so a certificate-bound token from it is accepted.
   */
  mtls: templated.optional(),
});

const optionsSchema = z.strictObject({
  timeout: templated.optional(),
  allowFailed: orTemplate(z.boolean()).optional(),
  auth: authSchema.optional(),
});

export type RequestAuth = z.infer<typeof authSchema>;
export type RequestOptions = z.infer<typeof optionsSchema>;

/** The code that sends requests (and undici), loaded with the first Request a flow runs. */
let sendModule: Promise<typeof import('./send-request.js')> | undefined;

/**
 * `io.kestra.plugin.core.http.Request`: one HTTP request with undici.
 * Outputs `uri`, `code`, `headers` and `body` (text). A non-2xx answer fails
 * the task unless `options.allowFailed`. `auth` (BEARER or BASIC) is accepted
 * at the task's top level (Kestra's docs) and under `options` (Kestra's code);
 * `auth.mtls: KEY` presents that credential's TLS client certificate, for
 * certificate-bound tokens (RFC 8705 section 3).
 */
export const requestTask: RunnableTaskType = {
  type: 'io.kestra.plugin.core.http.Request',
  aliases: ['io.kestra.plugin.fs.http.Request'],
  fields: {
    uri: templated,
    method: templated.default('GET'),
    headers: z.record(z.string(), z.union([templated, z.number(), z.boolean()])).optional(),
    body: z.union([templated, z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
    formData: z.record(z.string(), z.union([templated, z.number(), z.boolean()])).optional(),
    contentType: templated.optional(),
    auth: authSchema.optional(),
    options: optionsSchema.optional(),
  },
  async run(props, ctx) {
    sendModule ??= import('./send-request.js');
    return (await sendModule).sendRequest(props, ctx);
  },
  unauthorized: (outputs) => outputs.code === 401,
  check(outputs, props) {
    const code = Number(outputs.code);
    const options = (props.options ?? {}) as { allowFailed?: unknown };
    if ((code < 200 || code >= 300) && !toBoolean(options.allowFailed, 'options.allowFailed')) {
      const u = new URL(String(outputs.uri));
      throw new TaskError(
        `${String(props.method ?? 'GET').toUpperCase()} ${u.origin}${u.pathname} answered HTTP ${code}`,
      );
    }
  },
};
