import type { CredentialStore } from '@credflow/credentials-core';
import { registerCredentials, registerStandardLibrary } from '@credflow/template-extension';
import nunjucks from 'nunjucks';

/** Whether a string holds a template at all (credflow's delimiters); plain strings are never rendered. */
export const HAS_TEMPLATE = /<<|<%|<#/;

/**
 * The nunjucks environment flows render with: credflow's delimiters and
 * functions, no autoescape (flows produce text, not HTML), plus
 * Kestra's standard library (`date`, `toJson`, `fromJson()`, `json`…).
 */
export function createTemplateEnvironment(store: CredentialStore): nunjucks.Environment {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
  registerCredentials(env, { store });
  registerStandardLibrary(env); // Kestra's filters and functions, `fromJson()` and the `json` filter among them
  return env;
}

/** Compiles a template to find syntax errors before anything runs; returns the problem or `undefined`. */
export function templateProblem(env: nunjucks.Environment, src: string): string | undefined {
  if (!HAS_TEMPLATE.test(src)) return undefined;
  try {
    new nunjucks.Template(src, env, undefined, true);
    return undefined;
  } catch (err) {
    const m = (err as Error).message.replace(/^\([^)]*\)\s*/, '');
    const line = /\[Line (\d+), Column (\d+)\]/.exec(m);
    const text = m
      .replace(/\[Line \d+, Column \d+\]\s*/, '')
      .replace(/^(Template render error|Error): /, '')
      .replace(/\s+/g, ' ')
      .trim();
    return `template error${line ? ` (template line ${line[1]}, column ${line[2]})` : ''}: ${text}`;
  }
}
