import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Logger, SecretProvider } from '@credflow/credentials-core';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createApi } from './api.js';
import { ConfigFile } from './config-file.js';
import { guard, newSessionKey } from './session.js';

export interface UiOptions {
  /** The `credflow.yaml` to manage (created on first save if missing). */
  configPath: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  logger?: Logger;
  /**
   * One line per save and delete: the credential's key, tenant and
   * namespace, never a value. Default: printed on stdout as `credflow ui: …`.
   */
  log?: (line: string) => void;
  /** Session key; default a fresh random one. */
  key?: string;
  secretProviders?: readonly SecretProvider[];
}

export interface UiServer {
  /** `http://HOST:PORT` */
  origin: string;
  /** The URL to open, with the session key, as Jupyter prints it. */
  url: string;
  key: string;
  close(): Promise<void>;
}

const STATIC: Record<string, { file: URL; type: string }> = {
  '/': { file: new URL('../../static/index.html', import.meta.url), type: 'text/html; charset=utf-8' },
  '/favicon.svg': { file: new URL('../../static/favicon.svg', import.meta.url), type: 'image/svg+xml' },
  // Browsers ask for /favicon.ico when a page names no icon (another page of the origin, a bookmark).
  '/favicon.ico': { file: new URL('../../static/favicon.svg', import.meta.url), type: 'image/svg+xml' },
  '/styles.css': { file: new URL('../../static/styles.css', import.meta.url), type: 'text/css; charset=utf-8' },
  '/app.js': { file: new URL('../../dist/page/app.js', import.meta.url), type: 'text/javascript; charset=utf-8' },
};

/**
 * Starts the credflow web UI. The page is public (it holds nothing); every
 * API call needs the session key and must come from the page's own origin.
 */
export async function startUi(options: UiOptions): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  const key = options.key ?? newSessionKey();
  const logger = options.logger ?? { warn: (m: string) => process.stderr.write(`credflow warning: ${m}\n`) };
  const file = new ConfigFile(options.configPath);
  await file.load(); // a broken config is reported now, not on first click
  let port = 0;
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';
  const allowedHosts = () =>
    loopback
      ? [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]
      : [`${host.includes(':') ? `[${host}]` : host}:${port}`];

  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    c.header('x-frame-options', 'DENY');
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    c.header(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    );
  });
  app.use('/api/*', guard(key, allowedHosts));
  app.route(
    '/api',
    createApi({
      file,
      logger,
      log: options.log ?? ((line) => process.stdout.write(`credflow ui: ${line}\n`)),
      ...(options.secretProviders ? { secretProviders: options.secretProviders } : {}),
    }),
  );
  for (const [path, asset] of Object.entries(STATIC)) {
    app.get(path, async (c) => c.body(await readFile(asset.file), 200, { 'content-type': asset.type }));
  }
  // The page's other modules (imported by app.js): plain names only, never a path.
  app.get('/:module{[a-z][a-z-]*\\.js}', async (c) => {
    const name = c.req.param('module');
    const body = await readFile(new URL(`../../dist/page/${name}`, import.meta.url)).catch(() => undefined);
    return body ? c.body(body, 200, { 'content-type': 'text/javascript; charset=utf-8' }) : c.notFound();
  });

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 8080, hostname: host }, () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject); // EADDRINUSE and friends: the caller says what to do
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    origin,
    url: `${origin}/?key=${key}`,
    key,
    close: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
