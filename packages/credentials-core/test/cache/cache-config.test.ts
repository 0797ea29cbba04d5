// cache.shared (SPEC section 8): where Redis is (url, sentinels + name,
// cluster), its credentials and TLS, validated with located errors.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseConfig } from '../../src/load-config.js';

const head = 'cache:\n  shared:\n    type: redis\n    encryptionKey: { secret: K }\n';
const shared = (lines: string) =>
  parseConfig(`${head}${lines}`, { file: 'credflow.yaml', baseDir: '/etc/credflow' }).cache?.shared;
function bad(lines: string): string {
  try {
    shared(lines);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  return 'accepted';
}

describe('cache.shared', () => {
  it('Redis Sentinel: sentinels (host:port, IPv6 in brackets), master name, db, passwords as secret references, TLS', () => {
    expect(
      shared(
        [
          '    sentinels: [10.0.0.1:26379, "sentinel-2.internal:26379", "[::1]:26380"]',
          '    name: mymaster',
          '    db: 2',
          '    username: credflow',
          '    password: { secret: REDIS_PASSWORD }',
          '    sentinelPassword: { secret: SENTINEL_PASSWORD }',
          '    tls: { ca: ./ca.pem, servername: redis.internal }',
          '',
        ].join('\n'),
      ),
    ).toEqual({
      type: 'redis',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-2.internal', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      name: 'mymaster',
      db: 2,
      username: 'credflow',
      password: { secret: 'REDIS_PASSWORD' },
      sentinelPassword: { secret: 'SENTINEL_PASSWORD' },
      tls: { ca: '/etc/credflow/ca.pem', servername: 'redis.internal' },
      encryptionKey: { secret: 'K' },
      lockTtl: 10_000,
      waitTimeout: 15_000,
      timeout: 1000,
    });
  });

  it('Redis Cluster: seed nodes; tls: true', () => {
    expect(shared('    cluster: [10.0.0.1:6379, 10.0.0.2:6379]\n    tls: true\n')).toMatchObject({
      cluster: [
        { host: '10.0.0.1', port: 6379 },
        { host: '10.0.0.2', port: 6379 },
      ],
      tls: {},
    });
  });

  it('exactly one of url, sentinels, cluster', () => {
    expect(bad('')).toContain('say where Redis is: url (one server), sentinels with name (Redis Sentinel) or cluster');
    expect(bad('    url: { env: U }\n    cluster: [a:1]\n')).toBe(
      'credflow.yaml:6: cache.shared.cluster: give one of url, sentinels or cluster, not url and cluster',
    );
  });

  it('fields that do not go with the chosen way are errors that say why', () => {
    expect(bad('    sentinels: [a:26379]\n')).toContain('cache.shared.name: name the master the sentinels monitor');
    expect(bad('    url: { env: U }\n    password: { secret: P }\n')).toContain(
      'cache.shared.password: with url, the password goes in the URL',
    );
    expect(bad('    cluster: [a:6379]\n    db: 1\n')).toContain('cache.shared.db: Redis Cluster has database 0 only');
    expect(bad('    cluster: [a:6379]\n    name: m\n')).toContain('cache.shared.name: name is the master name');
    expect(bad('    cluster: [a:6379]\n    password: hunter2\n')).toContain(
      'cache.shared.password: plain values are not allowed',
    );
  });

  it('node addresses are host:port', () => {
    expect(bad('    cluster: [10.0.0.1]\n')).toContain('cache.shared.cluster[0]: expected host:port');
    expect(bad('    cluster: [a:70000]\n')).toContain('the port must be between 1 and 65535');
    expect(bad('    cluster: []\n')).toContain('list at least one cluster node');
    expect(bad('    sentinels: [a:1]\n    name: m\n    tls: { cert: x }\n')).toContain('cache.shared.tls');
  });
});
