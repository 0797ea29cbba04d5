import type { CredentialStore } from '@credflow/credentials-core';
import { registerCredentials, registerStandardLibrary } from '@credflow/template-extension';
import nunjucks from 'nunjucks';

/** Whether a string holds a template in either syntax (for messages that show a template's source). */
export const HAS_TEMPLATE = /<<|<%|<#|\{\{|\{%|\{#/;

const markers = new WeakMap<object, RegExp>();

/**
 * Whether a string holds a template in the environment's syntax; plain
 * strings are never rendered.
 */
export function hasTemplate(env: nunjucks.Environment, src: string): boolean {
  let re = markers.get(env);
  if (!re) {
    const tags = (env as unknown as { opts: { tags?: Record<string, string> } }).opts.tags ?? {};
    const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    re = new RegExp(
      [tags.variableStart ?? '{{', tags.blockStart ?? '{%', tags.commentStart ?? '{#'].map(esc).join('|'),
    );
    markers.set(env, re);
  }
  return re.test(src);
}

/**
 * The nunjucks environment flows render with: the syntax `credflow.yaml`
 * chooses (`templates.syntax`: credflow's `<< >>` by default, or Pebble's
 * `{{ }}` as in Kestra), credflow's functions and sandbox with strict
 * variables, the render limits of `templates.limits`, no autoescape (flows produce text, not HTML), plus
 * Kestra's standard library (`date`, `toJson`, `fromJson()`, `json`…).
 */
export function createTemplateEnvironment(store: CredentialStore): nunjucks.Environment {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
  const pebble = store.config.templates?.syntax === 'pebble';
  const limits = store.config.templates?.limits;
  registerCredentials(env, { store, ...(pebble ? { delimiters: false } : {}), ...(limits ? { limits } : {}) });
  registerStandardLibrary(env); // Kestra's filters and functions, `fromJson()` and the `json` filter among them
  return env;
}
