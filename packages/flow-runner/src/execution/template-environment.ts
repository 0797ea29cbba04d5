import type { CredentialStore } from '@credflow/credentials-core';
import { registerCredentials } from '@credflow/template-extension';
import nunjucks from 'nunjucks';

/** Whether a string holds a template at all (credflow's delimiters); plain strings are never rendered. */
export const HAS_TEMPLATE = /<<|<%|<#/;

/**
 * The nunjucks environment flows render with: credflow's delimiters and
 * functions, no autoescape (flows produce text, not HTML), plus
 * `fromJson(text)` and the `json` filter for HTTP bodies.
 */
export function createTemplateEnvironment(store: CredentialStore): nunjucks.Environment {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
  registerCredentials(env, { store });
  env.addGlobal('fromJson', (text: unknown) => {
    try {
      return JSON.parse(String(text));
    } catch {
      throw new Error('fromJson(): the text is not valid JSON');
    }
  });
  env.addFilter('json', (value: unknown) => JSON.stringify(value));
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
