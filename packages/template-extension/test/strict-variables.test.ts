import { CredentialStore, EnvSecretProvider } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { registerCredentials, render } from '../src/index.js';

const store = CredentialStore.fromYaml('credentials: {}\n', { secretProviders: [new EnvSecretProvider({ env: {} })] });
const ctx = { inputs: { user: 'ada', empty: '', nil: null, list: [1] } };
const env = (strictVariables?: boolean) =>
  registerCredentials(new nunjucks.Environment(null, { autoescape: false }), {
    store,
    ...(strictVariables === undefined ? {} : { strictVariables }),
  });
const out = async (src: string, strict?: boolean) => (await render(env(strict), src, ctx)).output;

describe("strict variables (Pebble's, as in Kestra)", () => {
  it('makes an undefined variable or attribute a render error naming it and the line', async () => {
    await expect(out('hello << inputs.usr >>')).rejects.toThrow(
      "template '<string>' line 1: 'inputs.usr' is undefined (use | default(...), ?? or 'is defined' for optional values)",
    );
    await expect(out('x\n<< inptus.user >>')).rejects.toThrow(/line 2: 'inptus' is undefined/);
    // The first missing link is named.
    await expect(out('<< inputs.usr.name >>')).rejects.toThrow(/line 1: 'inputs.usr' is undefined/);
    await expect(out('<< inputs.nil.name >>')).rejects.toThrow(/'inputs.nil.name' cannot be read: its object is null/);
    await expect(out('<< inputs.list[3] >>')).rejects.toThrow(/'inputs.list\[3\]' is undefined/);
    await expect(out('<% if nope %>x<% endif %>')).rejects.toThrow(/'nope' is undefined/);
  });

  it('lets default, is defined and ?? handle what may be missing', async () => {
    expect(await out("<< inputs.usr | default('world') >>")).toBe('world');
    expect(await out("<< inputs.usr.deep.er | default('x') >>")).toBe('x');
    expect(await out('<< inputs.usr is defined >>|<< nope is defined >>|<< inputs.user is defined >>')).toBe(
      'false|false|true',
    );
    expect(await out('<< nope is not defined >>')).toBe('true');
    expect(await out("<< inputs.usr ?? 'w' >>|<< inputs.nil ?? 'n' >>|<< inputs.user ?? 'u' >>")).toBe('w|n|ada');
    expect(await out("<< inputs.usr ?? inputs.also ?? 'last' >>")).toBe('last');
    expect(await out("<< (inputs.usr ?? 'a') | upper >>")).toBe('A');
    // A null value is a value: only reading through it is an error.
    expect(await out('[<< inputs.nil >>]')).toBe('[]');
  });

  it('does not evaluate the right side of ?? when the left one is present', async () => {
    expect(await out("<< inputs.user ?? credential('nope') >>")).toBe('ada');
    await expect(out("<< inputs.usr ?? credential('nope') >>")).rejects.toMatchObject({
      code: 'ERR_TEMPLATE',
      cause: { code: 'ERR_CREDENTIAL_NOT_FOUND' },
    });
  });

  it('can be turned off for host apps that want nunjucks’ lenient undefined', async () => {
    expect(await out('[<< inputs.usr >>][<< nope.x >>]', false)).toBe('[][]');
  });
});
