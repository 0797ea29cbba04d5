import type { CredentialStore } from '@credflow/credentials-core';
import { registerCredentials, registerStandardLibrary } from '@credflow/template-extension';
import nunjucks from 'nunjucks';
import type { TemplateSyntax } from '../flow/flow-syntax.js';

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
 * forces (`templates.syntax`), else the flow file's own (`syntax`, see
 * `detectFlowSyntax`), else credflow's `<< >>` (Pebble's is `{{ }}` as in Kestra), credflow's functions and sandbox with strict
 * variables, the render limits of `templates.limits`, no autoescape (flows produce text, not HTML), plus
 * Kestra's standard library (`date`, `toJson`, `fromJson()`, `json`…).
 */
export function createTemplateEnvironment(store: CredentialStore, syntax?: TemplateSyntax): nunjucks.Environment {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
  const pebble = (store.config.templates?.syntax ?? syntax) === 'pebble';
  const limits = store.config.templates?.limits;
  registerCredentials(env, { store, ...(pebble ? { delimiters: false } : {}), ...(limits ? { limits } : {}) });
  registerStandardLibrary(env); // Kestra's filters and functions, `fromJson()` and the `json` filter among them
  return env;
}

/**
 * The environments of one store, one per syntax, made on first use: a run
 * or a `validate` of many flows renders each flow in its file's syntax.
 */
export function templateEnvironments(
  store: CredentialStore,
): (flow: { syntax?: TemplateSyntax }) => nunjucks.Environment {
  const made = new Map<TemplateSyntax, nunjucks.Environment>();
  return (flow) => {
    const syntax: TemplateSyntax = store.config.templates?.syntax ?? flow.syntax ?? 'credflow';
    let env = made.get(syntax);
    if (!env) {
      env = createTemplateEnvironment(store, syntax);
      made.set(syntax, env);
    }
    return env;
  };
}
