// One credflow process of the multi-process shared-cache tests and bench:
// a CredentialStore built from $WORKER_CONFIG (the package's build, as a
// host app would import it), driven over IPC by the parent.
//   { id, op: 'get', keys, scopes? }          -> tokens (one per key)
//   { id, op: 'loop', keys, ms, every }       -> { seen: { key: [tokens] }, calls, failures, latencies? }
//   { id, op: 'invalidate', key, token }      -> true
//   { id, op: 'warnings' }                    -> warning lines so far
import { CredentialStore } from '@credflow/credentials-core';

const warnings = [];
const store = CredentialStore.fromYaml(process.env.WORKER_CONFIG ?? '', {
  logger: { warn: (m) => warnings.push(m) },
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function loop({ keys, scopes = [], ms, every, latencies = false }) {
  const seen = Object.fromEntries(keys.map((k) => [k, new Set()]));
  const samples = [];
  let calls = 0;
  let failures = 0;
  const until = Date.now() + ms;
  let first = true;
  while (first || Date.now() < until) {
    first = false;
    await Promise.all(
      keys.map(async (k, i) => {
        const started = performance.now();
        try {
          seen[k].add(await store.getToken(k, scopes[i] ?? {}));
        } catch {
          failures++;
        }
        if (latencies) samples.push(performance.now() - started);
        calls++;
      }),
    );
    await sleep(every);
  }
  return {
    seen: Object.fromEntries(Object.entries(seen).map(([k, s]) => [k, [...s]])),
    calls,
    failures,
    ...(latencies ? { latencies: samples } : {}),
  };
}

process.on('message', async (msg) => {
  try {
    let result;
    if (msg.op === 'get') result = await Promise.all(msg.keys.map((k, i) => store.getToken(k, msg.scopes?.[i] ?? {})));
    else if (msg.op === 'loop') result = await loop(msg);
    else if (msg.op === 'invalidate') result = store.invalidate(msg.key, {}, { token: msg.token });
    else if (msg.op === 'warnings') result = warnings;
    else if (msg.op === 'close') result = await store.close();
    process.send({ id: msg.id, result });
  } catch (err) {
    process.send({ id: msg.id, error: { message: err.message, code: err.code } });
  }
});
process.send({ ready: true });
