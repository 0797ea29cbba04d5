import { CredentialStore, EnvSecretProvider, Masker } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import {
  analyzeTemplate,
  createRenderSession,
  registerCredentials,
  registerStandardLibrary,
  render,
} from '../../src/index.js';

// Kestra's render()/renderOnce() (RenderFunction, RenderOnceFunction; kestra-io/kestra 58c1ca2d0).
const SECRET = 'render-secret-value-5b9e';
const store = CredentialStore.fromYaml('credentials: {}\n', {
  secretProviders: [new EnvSecretProvider({ env: { SECRET_S: Buffer.from(SECRET).toString('base64') } })],
});
const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), { store, delimiters: false });
registerStandardLibrary(env);
const out = async (src: string, ctx: Record<string, unknown> = {}) => (await render(env, src, ctx)).output;

describe('render() and renderOnce()', () => {
  it('renders a variable holding an expression, with the calling render variables', async () => {
    const ctx = { name: 'Ada', tpl: 'Hello {{ name }}', nested: '{{ tpl }}!' };
    expect(await out('{{ render(tpl) }}', ctx)).toBe('Hello Ada');
    // recursive by default: the result is rendered again until it no longer changes
    expect(await out('{{ render(nested) }}', ctx)).toBe('Hello Ada!');
    expect(await out('{{ renderOnce(nested) }}', ctx)).toBe('Hello {{ name }}!');
    expect(await out('{{ render(nested, recursive=false) }}', ctx)).toBe('Hello {{ name }}!');
    expect(await out("{% set x = 'set-value' %}{{ render('{{ x }}') }}")).toBe('set-value');
    expect(await out('{{ render(42) }}')).toBe('42');
    expect(await out("{{ render({'a': '{{ name }}'}) }}", ctx)).toBe('{"a":"Ada"}');
  });

  it('works in if, for and set, and is never called in a branch not taken', async () => {
    expect(await out("{% if render('{{ 1 > 0 }}') == 'true' %}yes{% endif %}")).toBe('yes');
    // Like Kestra's, render() sees the render's variables (its global scope), not loop variables.
    await expect(out("{% for i in [1, 2] %}{{ render('{{ i }}') }}{% endfor %}")).rejects.toThrow(
      /render\(\): 'i' is undefined/,
    );
    expect(await out("{{ false ? render('{{ nope }}') : 'skipped' }}")).toBe('skipped');
  });

  it('stays in the sandbox, the scope and the limits, and what it reveals is masked', async () => {
    await expect(out('{{ render("{{ \'a\'.constructor }}") }}')).rejects.toMatchObject({
      code: 'ERR_TEMPLATE_FORBIDDEN',
    });
    await expect(out('{{ render(t) }}', { t: '{{ render(t) }}' })).rejects.toThrow(/templates\.limits\.maxDepth/);
    const masker = new Masker();
    const session = createRenderSession(env, { onSensitiveValue: masker.add });
    const r = await render(env, '{{ render("{{ secret(\'S\') | upper }}") }}', {}, { session });
    expect(masker.mask(r.output)).toBe('******');
  });

  it('cannot run inside a macro (it is asynchronous), and validate says so', () => {
    expect(analyzeTemplate(env, "{% macro m() %}{{ render('x') }}{% endmacro %}").error?.message).toMatch(
      /render\(\) cannot be used inside a macro/,
    );
  });
});
