import { CredentialStore } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import {
  analyzeTemplate,
  registerCredentials,
  registerStandardLibrary,
  render,
  TemplateRenderError,
} from '../../src/index.js';

/**
 * The attacker's review, F8: errors that showed JavaScript internals
 * (`TypeError: e.split is not a function`, `RangeError: Maximum call stack
 * size exceeded`) now say what is wrong in the template's words.
 */
const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), {
  store: CredentialStore.fromYaml('credentials: {}\n'),
});
registerStandardLibrary(env);

async function failure(src: string): Promise<string> {
  const started = Date.now();
  try {
    await render(env, src, {});
  } catch (err) {
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(err).toBeInstanceOf(TemplateRenderError);
    return (err as Error).message;
  }
  throw new Error('expected the render to fail');
}

const JS_INTERNALS = /TypeError|RangeError|is not a function|call stack/;

describe('text filters given something else', () => {
  it.each([
    ["<< ('a ' * 5000000) | title >>", "filter 'title' expects text, not a number"],
    ['<< [1] | capitalize >>', "filter 'capitalize' expects text, not a list"],
    ["<< {'a': 1} | lower >>", "filter 'lower' expects text, not a map"],
    ['<< 5 | wordcount >>', "filter 'wordcount' expects text, not a number"],
    ['<< 5 | truncate(2) >>', "filter 'truncate' expects text, not a number"],
  ])('%s', async (src, message) => {
    const m = await failure(src);
    expect(m).toContain(message);
    expect(m).not.toMatch(JS_INTERNALS);
  });

  it('text and nothing still work', async () => {
    expect((await render(env, "<< 'ab cd' | title >>|<< none | lower >>|<< 'x' | capitalize >>", {})).output).toBe(
      'Ab Cd||X',
    );
  });
});

describe('templates nested too deeply', () => {
  const n = 20_000;
  it.each([
    ['parens', `<< ${'('.repeat(n)}1${')'.repeat(n)} >>`],
    ['lists', `<< ${'['.repeat(n)}1${']'.repeat(n)} >>`],
    ['dicts', `<< ${"{'a':".repeat(10_000)}1${'}'.repeat(10_000)} >>`],
    ['ifs', `${'<% if true %>'.repeat(5000)}x${'<% endif %>'.repeat(5000)}`],
    ['fors', `${'<% for i in [1] %>'.repeat(1500)}x${'<% endfor %>'.repeat(1500)}`],
    ['filters', `<< 1${' | abs'.repeat(1500)} >>`],
  ])('%s: a clear error, within 15 s', async (_name, src) => {
    const m = await failure(src);
    expect(m).toMatch(/template nesting too deep \(over 1000 levels\)/);
    expect(m).not.toMatch(JS_INTERNALS);
  });

  it('the analysis (credflow validate) says the same', () => {
    for (const src of [`<< ${'('.repeat(n)}1${')'.repeat(n)} >>`, `<< 1${' | abs'.repeat(1500)} >>`]) {
      const message = analyzeTemplate(env, src).error?.message ?? '';
      expect(message).toMatch(/template nesting too deep \(over 1000 levels\)/);
      expect(message).not.toMatch(JS_INTERNALS);
    }
  });

  it('a template nested a few hundred levels still renders', async () => {
    const src = `${'<% if true %>'.repeat(100)}x${'<% endif %>'.repeat(100)}`;
    expect((await render(env, src, {})).output).toBe('x');
  });
});
