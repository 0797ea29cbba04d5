import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../src/config/loopback.js';
import { ConfigError } from '../../src/errors.js';
import { parseConfig } from '../../src/load-config.js';

function endpointIssues(url: string): string[] {
  try {
    parseConfig(
      `credentials:\n  c:\n    type: client_credentials\n    tokenEndpoint: "${url}"\n    clientId: x\n    clientSecret: { secret: S }\n`,
      { file: 'credflow.yaml' },
    );
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map((i) => `${i.path}:${i.line}: ${i.message}`);
  }
}

function baseUrlIssues(url: string): string[] {
  try {
    parseConfig(
      `credentials:\n  gh:\n    type: github_app\n    baseUrl: "${url}"\n    appId: 1\n    privateKey: { secret: K }\n    installationId: 2\n`,
    );
    return [];
  } catch (err) {
    return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
}

const REFUSED = 'credentials.c.tokenEndpoint:4: must be an https:// URL (http:// is allowed only on loopback)';

describe('http:// only on loopback, decided by parsing the host', () => {
  it.each([
    'http://127.attacker.example/token',
    'http://127.0.0.1.nip.io/token',
    'http://localhost.attacker/token',
    'http://127.evil',
    'http://10.0.0.1/token',
    'http://[::2]/token',
  ])('refuses %s', (url) => {
    expect(endpointIssues(url)).toEqual([REFUSED]);
  });

  it.each([
    'http://127.0.0.1:9/token',
    'http://127.5.6.7/token',
    'http://[::1]:8080/token',
    'http://localhost/token',
    'http://LOCALHOST:3000/token',
    'https://127.attacker.example/token',
  ])('accepts %s', (url) => {
    expect(endpointIssues(url)).toEqual([]);
  });

  it.each(['http://0x7f.1/token', 'http://2130706433/token'])(
    'accepts %s: the URL parser normalises it to 127.0.0.1, where the request really goes',
    (url) => {
      expect(new URL(url).hostname).toBe('127.0.0.1');
      expect(endpointIssues(url)).toEqual([]);
    },
  );

  it('applies the same rule to the GitHub baseUrl', () => {
    expect(baseUrlIssues('http://127.attacker.example')).toEqual([
      'credentials.gh.baseUrl: must be an https:// URL (http:// is allowed only on loopback)',
    ]);
    expect(baseUrlIssues('http://127.0.0.1:8080/api/v3')).toEqual([]);
  });

  it('isLoopbackHost takes a URL hostname: IPs in 127.0.0.0/8 and ::1, or exactly localhost', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.255.255.254')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('[::ffff:7f00:1]')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('[::ffff:a00:1]')).toBe(false);
    expect(isLoopbackHost('127.0.0.1.nip.io')).toBe(false);
    expect(isLoopbackHost('localhost.')).toBe(false);
    expect(isLoopbackHost('')).toBe(false);
  });
});
