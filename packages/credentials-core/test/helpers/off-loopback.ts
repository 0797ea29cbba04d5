import { getGlobalDispatcher, MockAgent, setGlobalDispatcher } from 'undici';

/** A host that is not loopback: `.invalid` never resolves (RFC 6761), and the mock below answers for it. */
export const OFF_LOOPBACK_ORIGIN = 'http://example.invalid';

export interface OffLoopback {
  /** Every request that reached `example.invalid` (`METHOD origin/path`): none may, over plain http. */
  readonly hits: string[];
  /** Puts the previous global dispatcher back. */
  restore(): Promise<void>;
}

/**
 * Makes `http(s)://example.invalid` answer like a token endpoint that
 * accepts anything (through undici's global dispatcher, which credflow's
 * requests use unless a credential has its own TLS dispatcher), counting
 * each request; every loopback request goes to its real server. So a
 * request that should never be made shows up as a hit and, without the
 * check that refuses it, succeeds.
 */
export function answerOffLoopback(): OffLoopback {
  const previous = getGlobalDispatcher();
  const agent = new MockAgent();
  agent.enableNetConnect((host) => /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(host));
  const hits: string[] = [];
  for (const origin of [OFF_LOOPBACK_ORIGIN, 'https://example.invalid']) {
    agent
      .get(origin)
      .intercept({ path: () => true, method: () => true })
      .reply((opts) => {
        hits.push(`${opts.method} ${origin}${opts.path}`);
        return {
          statusCode: 200,
          data: JSON.stringify({ access_token: 'off-loopback-token', token_type: 'Bearer', expires_in: 3600 }),
          responseOptions: { headers: { 'content-type': 'application/json' } },
        };
      })
      .persist();
  }
  setGlobalDispatcher(agent);
  return {
    hits,
    async restore() {
      setGlobalDispatcher(previous);
      await agent.close();
    },
  };
}
