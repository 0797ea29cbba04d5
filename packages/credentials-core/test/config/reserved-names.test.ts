import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseConfig } from '../../src/load-config.js';

// `__proto__` as a key used to vanish silently (a plain object's
// `__proto__` is its prototype); constructor and prototype are refused too.

const DEF =
  '{ type: client_credentials, tokenEndpoint: "https://idp.example.com/t", clientId: c, clientSecret: { secret: S } }';

function issues(text: string) {
  try {
    parseConfig(text, { file: 'credflow.yaml' });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

const PROTO = "'__proto__' cannot be used as a key: its value would be silently lost (a reserved name)";
const reserved = (name: string) => `invalid name '${name}': __proto__, constructor and prototype are reserved names`;

describe('reserved names in credflow.yaml', () => {
  it.each([
    ['credential key', `credentials:\n  __proto__: ${DEF}\n`, 'credentials.__proto__', 2],
    ['namespace', `namespaces:\n  __proto__:\n    credentials:\n      k: ${DEF}\n`, 'namespaces.__proto__', 2],
    ['tenant id', `tenants:\n  __proto__:\n    credentials:\n      k: ${DEF}\n`, 'tenants.__proto__', 2],
    [
      'namespace credential key',
      `tenants:\n  acme:\n    namespaces:\n      a.b:\n        credentials:\n          __proto__: ${DEF}\n`,
      'tenants.acme.namespaces.a.b.credentials.__proto__',
      6,
    ],
    [
      'extraParams field',
      `credentials:\n  k:\n    type: client_credentials\n    extraParams:\n      __proto__: x\n`,
      'credentials.k.extraParams.__proto__',
      5,
    ],
  ])('refuses __proto__ as a %s, naming path and line', (_what, text, path, line) => {
    expect(issues(text)).toEqual([{ path, line, message: PROTO }]);
  });

  it('reports every __proto__ of a file at once', () => {
    const found = issues(`credentials:\n  __proto__: ${DEF}\ntenants:\n  __proto__: {}\n`);
    expect(found.map((i) => `${i.line} ${i.path}`)).toEqual(['2 credentials.__proto__', '4 tenants.__proto__']);
  });

  it.each(['constructor', 'prototype'])('refuses %s as a credential key, namespace and tenant id', (name) => {
    expect(issues(`credentials:\n  ${name}: ${DEF}\n`)).toEqual([
      { path: `credentials.${name}`, line: 2, message: reserved(name) },
    ]);
    expect(issues(`namespaces:\n  ${name}:\n    credentials: {}\n`)).toEqual([
      { path: `namespaces.${name}`, line: 2, message: reserved(name) },
    ]);
    expect(issues(`tenants:\n  ${name}: {}\n`)).toEqual([
      { path: `tenants.${name}`, line: 2, message: reserved(name) },
    ]);
  });

  it('still accepts names that merely contain them', () => {
    const config = parseConfig(
      `credentials:\n  my_constructor: ${DEF}\nnamespaces:\n  a.prototype_x:\n    credentials:\n      __proto: ${DEF}\n`,
    );
    expect([...(config.tenants.get('main')?.credentials.keys() ?? [])]).toEqual(['my_constructor']);
    expect([...(config.tenants.get('main')?.namespaces.get('a.prototype_x')?.credentials.keys() ?? [])]).toEqual([
      '__proto',
    ]);
  });
});
