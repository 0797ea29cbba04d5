import { CredentialStore } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { registerCredentials, registerStandardLibrary, render } from '../../src/index.js';

/** An environment as flows get it: credflow's registration, then the standard library. */
export function stdlibEnv(): nunjucks.Environment {
  const store = CredentialStore.fromYaml('credentials: {}\n');
  const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store });
  registerStandardLibrary(env);
  return env;
}

const shared = stdlibEnv();

/** Renders `src` with credflow's delimiters through `render()`. */
export async function renderWith(src: string, ctx: Record<string, unknown> = {}): Promise<string> {
  return (await render(shared, src, ctx)).output;
}

/** The message of a failed render. */
export async function renderError(src: string, ctx: Record<string, unknown> = {}): Promise<string> {
  try {
    await render(shared, src, ctx);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the render to fail');
}

/** An environment as a Kestra flow gets it: Pebble's `{{ }}` delimiters, then the standard library. */
function pebbleEnv(): nunjucks.Environment {
  const store = CredentialStore.fromYaml('credentials: {}\n');
  const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store, delimiters: false });
  registerStandardLibrary(env);
  return env;
}

const pebble = pebbleEnv();

/** Renders `src` with Pebble's delimiters (`{{ }}`, `{% %}`) through `render()`, as Kestra's `VariableRenderer.render`. */
export async function renderPebble(src: string, ctx: Record<string, unknown> = {}): Promise<string> {
  return (await render(pebble, src, ctx)).output;
}

/** The message of a failed render with Pebble's delimiters. */
export async function pebbleError(src: string, ctx: Record<string, unknown> = {}): Promise<string> {
  try {
    await render(pebble, src, ctx);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the render to fail');
}
