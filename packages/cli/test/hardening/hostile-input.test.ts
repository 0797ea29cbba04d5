import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, CredentialStore, parseConfig, YamlFileError } from '@credflow/credentials-core';
import { FlowError, parseFlow } from '@credflow/flow-runner';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { main } from '../../src/cli.js';
import { captureIo } from '../capture-io.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credflow-fuzz-'));
});

const io = () => {
  const { io: cli, out } = captureIo();
  return { cli, out };
};

/** Arbitrary YAML-ish values, biased toward the shapes credflow reads. */
const leaf = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    'client_credentials',
    'jwt_bearer',
    'private_key_jwt',
    'github_app',
    'PT1M',
    'P1Y',
    'https://x.example/token',
    'http://10.0.0.1/t',
    '<< credential("x") >>',
    '<% macro m() %>',
    'io.kestra.plugin.core.log.Log',
    'io.kestra.plugin.core.http.Request',
    '__proto__',
    'constructor',
    '..',
    '',
  ),
);
const keyName = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    'credentials',
    'namespaces',
    'tenants',
    'secrets',
    'type',
    'clientSecret',
    'secret',
    'subkey',
    'cache',
    'id',
    'namespace',
    'tasks',
    'inputs',
    'errors',
    'message',
    'uri',
    'auth',
    'outputs',
    'value',
    '__proto__',
  ),
);
const tree = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(keyName, tie('node'), { maxKeys: 5 }),
  ),
})).node;

describe('hostile config and flow YAML', () => {
  it('any config value yields a config or a clear ConfigError, never another exception', () => {
    fc.assert(
      fc.property(tree, (value) => {
        try {
          const config = parseConfig(stringify(value), { file: 'fuzz.yaml' });
          new CredentialStore(config).list();
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect(
            (err as ConfigError).message.startsWith('fuzz.yaml') ||
              (err as ConfigError).message.startsWith('invalid config'),
          ).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('any flow value yields a flow or a clear FlowError', () => {
    fc.assert(
      fc.property(tree, (value) => {
        try {
          parseFlow(stringify(value), 'fuzz-flow.yaml');
        } catch (err) {
          expect(err).toBeInstanceOf(FlowError);
          expect((err as FlowError).code).toBe('ERR_FLOW_INVALID');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('arbitrary text (not only YAML trees) never escapes as an uncaught error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        for (const parse of [() => parseConfig(text, { file: 'f' }), () => parseFlow(text, 'f')]) {
          try {
            parse();
          } catch (err) {
            expect(err).toBeInstanceOf(YamlFileError);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('the CLI exits 2 with a one-line-per-problem message for hostile flows and configs', async () => {
    await fc.assert(
      fc.asyncProperty(tree, tree, async (flowValue, configValue) => {
        const flow = join(dir, 'f.yaml');
        const config = join(dir, 'c.yaml');
        await writeFile(flow, stringify(flowValue));
        await writeFile(config, stringify(configValue));
        const { cli, out } = io();
        const code = await main(['validate', flow, '--config', config], cli);
        expect([0, 2]).toContain(code);
        expect(out.stderr).not.toMatch(/\n\s+at /);
        expect(out.stderr + out.stdout).not.toContain('unexpected error');
      }),
      { numRuns: 120 },
    );
  });
});
