import { authorizationSecrets, parseDuration } from '@credflow/credentials-core/internal';
import { z } from 'zod';
import { type RunnableTaskType, type TaskContext, TaskError } from './task-type.js';
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

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const MAX_BODY = 10 * 1024 * 1024;

/** undici loads with the first request, not with the CLI. */
let undici: Promise<typeof import('undici')> | undefined;
function loadUndici(): Promise<typeof import('undici')> {
  undici ??= import('undici');
  return undici;
}

/**
 * The connection that presents credential `key`'s TLS client certificate (and
 * trusts its `caCertificate`), looked up in the execution's own scope.
 */
async function clientCertificate(key: string, url: URL, ctx: TaskContext) {
  if (url.protocol !== 'https:') throw new TaskError('auth.mtls needs an https:// URL', { property: 'uri' });
  let tls: Awaited<ReturnType<TaskContext['store']['clientTls']>>;
  try {
    tls = await ctx.store.clientTls(key, ctx.scope ?? {});
  } catch (err) {
    throw new TaskError((err as Error).message, { property: 'auth.mtls', cause: err });
  }
  if (!tls) {
    throw new TaskError(`credential '${key}' has no TLS client certificate (certificate and privateKey)`, {
      property: 'auth.mtls',
    });
  }
  return tls.dispatcher;
}

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
    const uri = String(props.uri);
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new TaskError('not a valid URL', { property: 'uri' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TaskError('not an http or https URL', { property: 'uri' });
    const method = String(props.method ?? 'GET').toUpperCase();
    if (!METHODS.includes(method)) throw new TaskError(`not one of ${METHODS.join(', ')}`, { property: 'method' });
    const options = (props.options ?? {}) as z.infer<typeof optionsSchema>;
    const timeoutText = options.timeout ?? 'PT1M';
    const timeoutMs = parseDuration(String(timeoutText));
    if (timeoutMs === undefined)
      throw new TaskError('not an ISO-8601 duration (e.g. PT30S)', { property: 'options.timeout' });

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((props.headers ?? {}) as Record<string, unknown>))
      headers[k.toLowerCase()] = String(v);
    const auth = (props.auth ?? options.auth) as z.infer<typeof authSchema> | undefined;
    if (auth?.type === 'BEARER') {
      if (!auth.token) throw new TaskError('auth type BEARER needs a token');
      headers.authorization = `Bearer ${auth.token}`;
    } else if (auth?.type === 'BASIC') {
      if (auth.username === undefined) throw new TaskError('auth type BASIC needs a username');
      headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`).toString('base64')}`;
    }
    // A computed header (BASIC: base64 of user:password) is a new sensitive value: every masker hears of it now.
    for (const [name, value] of Object.entries(headers)) {
      if (name === 'authorization' || name === 'proxy-authorization') {
        for (const v of authorizationSecrets(value)) ctx.store.registerSensitive(v);
      }
    }
    const dispatcher = auth?.mtls === undefined ? undefined : await clientCertificate(String(auth.mtls), url, ctx);
    let body: string | undefined;
    if (props.formData !== undefined) {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(props.formData as Record<string, unknown>)) form.append(k, String(v));
      body = form.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (props.body !== undefined) {
      body = typeof props.body === 'string' ? props.body : JSON.stringify(props.body);
      if (typeof props.body !== 'string') headers['content-type'] ??= 'application/json';
    }
    if (props.contentType) headers['content-type'] = String(props.contentType);

    const controller = new AbortController();
    const onAbort = () => controller.abort();
    ctx.signal.addEventListener('abort', onAbort);
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const { request } = await loadUndici();
      const res = await request(url, {
        method: method as 'GET',
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: controller.signal,
        ...(dispatcher ? { dispatcher } : {}),
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY) {
          res.body.destroy();
          throw new TaskError(`response body of ${method} ${url.origin}${url.pathname} is larger than 10 MiB`);
        }
        chunks.push(chunk as Buffer);
      }
      const outHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers))
        if (v !== undefined) outHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
      return {
        uri: url.toString(),
        code: res.statusCode,
        headers: outHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
      };
    } catch (err) {
      if (err instanceof TaskError) throw err;
      if (ctx.signal.aborted) throw new TaskError(`${method} ${url.origin}${url.pathname} cancelled`);
      if (controller.signal.aborted) {
        throw new TaskError(`${method} ${url.origin}${url.pathname} timed out after ${timeoutMs} ms`);
      }
      const code = (err as { code?: string }).code ?? (err as Error).name;
      throw new TaskError(`${method} ${url.origin}${url.pathname} failed: ${code}`, { cause: err });
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
    }
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
