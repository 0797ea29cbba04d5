import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

/** Header that carries the session key on every API call. */
export const KEY_HEADER = 'x-credflow-key';

/** A fresh random session key (256 bits, base64url), printed at start as Jupyter prints its token. */
export function newSessionKey(): string {
  return randomBytes(32).toString('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Guards the API: the Host must be the UI's own (no DNS rebinding), a
 * cross-origin request is refused (Origin / Sec-Fetch-Site), and the session
 * key must be present (401) and right (403). Another local page or user
 * therefore cannot mint tokens or write the config through the UI.
 */
export function guard(key: string, allowedHosts: () => readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (!allowedHosts().includes(host))
      return c.json(
        { error: 'forbidden', code: 'ERR_UI_FOREIGN_HOST', message: `unexpected Host '${host.slice(0, 100)}'` },
        403,
      );
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== `http://${host}`) {
      return c.json({ error: 'forbidden', code: 'ERR_UI_CROSS_ORIGIN', message: 'cross-origin request refused' }, 403);
    }
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return c.json({ error: 'forbidden', code: 'ERR_UI_CROSS_ORIGIN', message: 'cross-site request refused' }, 403);
    }
    const given = c.req.header(KEY_HEADER);
    if (!given)
      return c.json(
        { error: 'unauthorized', code: 'ERR_UI_KEY_MISSING', message: `missing session key (${KEY_HEADER} header)` },
        401,
      );
    if (!same(given, key))
      return c.json({ error: 'forbidden', code: 'ERR_UI_KEY_WRONG', message: 'wrong session key' }, 403);
    c.header('cache-control', 'no-store');
    await next();
  };
}
