import { CredentialStore } from '@credflow/credentials-core';
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { kestraUnsupported, registerCredentials, registerStandardLibrary, render } from '../../src/index.js';

const env = registerCredentials(new nunjucks.Environment(null, { autoescape: false }), {
  store: CredentialStore.fromYaml('credentials: {}\n'),
  delimiters: false,
});
registerStandardLibrary(env);
const failure = (src: string) =>
  render(env, src, { x: 1 }).then(
    () => '',
    (e: Error) => e.message,
  );

// SPEC section 4: a Kestra feature credflow lacks is named as such, never as a generic unknown.
describe('Kestra names credflow lacks', () => {
  it('a function, filter or test of Kestra is named as one credflow does not support yet', async () => {
    expect(await failure("{{ kv('k') }}")).toContain(
      "'kv' is a Kestra function credflow does not support yet (it reads Kestra's KV store)",
    );
    expect(await failure("{{ read('f') }}")).toContain("'read' is a Kestra function credflow does not support yet");
    expect(await failure('{{ x | raw }}')).toContain("'raw' is a Kestra filter credflow does not support yet");
    expect(kestraUnsupported('test', 'odd')).toBe("'odd' is a Kestra test credflow does not support yet");
  });

  it('names Kestra lacks too stay unknown', async () => {
    expect(kestraUnsupported('function', 'noSuchThing')).toBeUndefined();
    expect(await failure('{{ noSuchThing() }}')).toContain("unable to call 'noSuchThing'");
    expect(await failure('{{ x | noSuchFilter }}')).toContain('filter not found: noSuchFilter');
  });
});
