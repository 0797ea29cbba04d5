import { authorizationSecrets, parseDuration } from '@credflow/credentials-core/internal';
import { request } from 'undici';
import { afterMs } from './long-sleep.js';
import type { RequestAuth, RequestOptions } from './request-task.js';
import { type TaskContext, TaskError } from './task-type.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const MAX_BODY = 10 * 1024 * 1024;

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
 * Sends the request of a Request task (its properties rendered) and reads
 * the answer. Loaded with the first Request a flow runs, and undici with it:
 * a flow without one loads neither.
 */
export async function sendRequest(props: Record<string, unknown>, ctx: TaskContext): Promise<Record<string, unknown>> {
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
  const options = (props.options ?? {}) as RequestOptions;
  const timeoutText = options.timeout ?? 'PT1M';
  const timeoutMs = parseDuration(String(timeoutText));
  if (timeoutMs === undefined)
    throw new TaskError('not an ISO-8601 duration (e.g. PT30S)', { property: 'options.timeout' });

  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries((props.headers ?? {}) as Record<string, unknown>))
    headers[k.toLowerCase()] = String(v);
  const auth = (props.auth ?? options.auth) as RequestAuth | undefined;
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
  const cancelTimeout = afterMs(timeoutMs, () => controller.abort());
  try {
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
    cancelTimeout();
    ctx.signal.removeEventListener('abort', onAbort);
  }
}
