/**
 * The one way credflow's grants talk HTTP: undici's `request`, which never
 * follows a redirect, only to `https://` or loopback `http://` URLs, with one
 * timeout over connect, headers and body, and a cap on the response body
 * that stops reading (and drops the connection) as soon as it is passed, so
 * a huge answer costs at most the cap in memory.
 */

import { EventEmitter } from 'node:events';
import { LRUCache } from 'lru-cache';
import { protocolRefusal } from './check-protocol.js';

/** Largest response body a grant reads: 1 MiB. A token response is a few KB. */
export const MAX_RESPONSE_BYTES = 1 << 20;

export interface BoundedRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Timeout of the whole attempt in ms: connect, headers and body. */
  timeoutMs: number;
  /** Defaults to {@link MAX_RESPONSE_BYTES}. */
  maxBytes?: number;
  /** An undici dispatcher for this request: e.g. an Agent presenting a TLS client certificate (RFC 8705). */
  dispatcher?: import('undici').Dispatcher;
}

/**
 * What came back: a response (possibly cut at the cap), a timeout, or a
 * refusal to send at all (the URL breaks the protocol rule, see
 * {@link protocolRefusal}). Other failures throw.
 */
export type BoundedOutcome =
  | {
      kind: 'response';
      status: number;
      headers: Record<string, string | undefined>;
      /** At most `maxBytes`; empty when {@link tooLarge}. */
      body: Buffer;
      /** `type/subtype` of `content-type`, or `none`. */
      contentType: string;
      /** The body passed the cap; reading stopped there. */
      tooLarge: boolean;
    }
  | { kind: 'timeout' }
  /** Nothing was sent, nor any connection opened: `reason` says why, without the URL. */
  | { kind: 'refused'; reason: string };

/** undici loads with the first request; once loaded, later requests take it without an await. */
let undici: Promise<typeof import('undici')> | undefined;
let undiciLoaded: typeof import('undici') | undefined;
function loadUndici(): Promise<typeof import('undici')> {
  undici ??= import('undici').then((m) => {
    undiciLoaded = m;
    return m;
  });
  return undici;
}

/**
 * {@link protocolRefusal} of the URLs requested lately ('' when allowed):
 * the rule is a function of the URL text alone, so a token endpoint's URL
 * is parsed once, not on every request; every request is still checked.
 * The URL requested last is kept apart, so a credential minting again and
 * again is checked with one string comparison.
 */
const refusals = new LRUCache<string, string>({ max: 256 });
let lastUrl: string | undefined;
let lastRefusal = '';

function refusalOf(url: string): string | undefined {
  if (url !== lastUrl) {
    let refusal = refusals.get(url);
    if (refusal === undefined) {
      refusal = protocolRefusal(url) ?? '';
      refusals.set(url, refusal);
    }
    lastUrl = url;
    lastRefusal = refusal;
  }
  return lastRefusal === '' ? undefined : lastRefusal;
}

/** The last `content-type` seen and its media type as quoted in messages: servers answer with the same one. */
let lastContentTypeHeader: string | undefined;
let lastContentType = 'none';

/** `type/subtype` of a `content-type` header, or `none`; `unusual` when it holds more than a media type's characters. */
function contentTypeOf(header: string | undefined): string {
  if (header !== undefined && header === lastContentTypeHeader) return lastContentType;
  // Quoted in error messages: only a media type's characters, and not too many (a server could echo anything there).
  const mediaType = header?.split(';')[0]?.trim() || 'none';
  const contentType = /^[\w.+-]{1,60}\/[\w.+-]{1,60}$|^none$/.test(mediaType) ? mediaType : 'unusual';
  if (header !== undefined) {
    lastContentTypeHeader = header;
    lastContentType = contentType;
  }
  return contentType;
}

/**
 * Reads a response body whole, or stops (and destroys the stream, dropping
 * the connection) as soon as it passes `maxBytes`: `undefined` then. Plain
 * stream events, not an async iterator; a body that came in one piece is
 * handed back as it is, not copied.
 */
function readCapped(
  body: import('node:stream').Readable,
  maxBytes: number,
  undici: typeof import('undici'),
): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    body.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        body.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    body.on('end', () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    body.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
    body.on('close', () => {
      if (done) return;
      done = true;
      // As undici's own body readers say it.
      reject(new undici.errors.RequestAbortedError());
    });
  });
}

/** Response headers with one value each (the first of a repeated one): undici's own object when none repeats. */
function oneValueEach(raw: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const keys = Object.keys(raw);
  if (!keys.some((k) => Array.isArray(raw[k]))) return raw as Record<string, string | undefined>;
  const headers: Record<string, string | undefined> = {};
  for (const k of keys) {
    const v = raw[k];
    headers[k] = Array.isArray(v) ? v[0] : v;
  }
  return headers;
}

/**
 * Sends one request. Redirects are returned as they are (3xx), never
 * followed. A URL that is neither `https://` nor `http://` to a loopback
 * host is refused before anything is sent (`kind: 'refused'`).
 */
export async function boundedRequest(url: string, req: BoundedRequest): Promise<BoundedOutcome> {
  const refusal = refusalOf(url);
  if (refusal !== undefined) return { kind: 'refused', reason: refusal };
  const maxBytes = req.maxBytes ?? MAX_RESPONSE_BYTES;
  // undici takes an EventEmitter as its abort signal: lighter than an AbortController per request.
  const abort = new EventEmitter();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.emit('abort');
  }, req.timeoutMs);
  try {
    const undici = undiciLoaded ?? (await loadUndici());
    // No body and no dispatcher are left undefined: undici then sends none and uses its global dispatcher.
    const res = await undici.request(url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: abort,
      dispatcher: req.dispatcher,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const headers = oneValueEach(res.headers);
    const contentType = contentTypeOf(headers['content-type']);
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      res.body.destroy();
      return { kind: 'response', status: res.statusCode, headers, body: Buffer.alloc(0), contentType, tooLarge: true };
    }
    // A declared length within the cap bounds the body too (undici reads no byte past it).
    const body = await readCapped(res.body, maxBytes, undici);
    if (body === undefined) {
      return { kind: 'response', status: res.statusCode, headers, body: Buffer.alloc(0), contentType, tooLarge: true };
    }
    return { kind: 'response', status: res.statusCode, headers, body, contentType, tooLarge: false };
  } catch (err) {
    if (timedOut) return { kind: 'timeout' };
    const code = (err as { code?: string }).code;
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return { kind: 'timeout' };
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** `origin + path` of a URL: what errors may show (never the query string or credentials). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** A status that asks the client to go elsewhere; credflow never goes there with credentials. */
export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400 && status !== 304;
}
