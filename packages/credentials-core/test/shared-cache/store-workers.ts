// Starts store-worker.mjs processes (the built package) and talks to them over IPC.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./store-worker.mjs', import.meta.url));

/** One credflow process running a store. */
export interface StoreWorker {
  readonly child: ChildProcess;
  call<T>(op: string, args?: Record<string, unknown>): Promise<T>;
  kill(): Promise<void>;
}

/** Starts `n` processes with config `yaml` and extra environment `env`, ready to take commands. */
export async function startStoreWorkers(n: number, yaml: string, env: Record<string, string>): Promise<StoreWorker[]> {
  return Promise.all(Array.from({ length: n }, () => startWorker(yaml, env)));
}

function startWorker(yaml: string, env: Record<string, string>): Promise<StoreWorker> {
  const child = fork(WORKER, [], {
    env: { ...process.env, ...env, WORKER_CONFIG: yaml },
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`worker exited (${code ?? signal})`));
    pending.clear();
  });
  const worker: StoreWorker = {
    child,
    call<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, op, ...args });
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`worker exited at start (${code})`)));
    child.on(
      'message',
      (m: { ready?: boolean; id?: number; result?: unknown; error?: { message: string; code?: string } }) => {
        if (m.ready) {
          resolve(worker);
          return;
        }
        const p = m.id === undefined ? undefined : pending.get(m.id);
        if (p === undefined || m.id === undefined) return;
        pending.delete(m.id);
        if (m.error) p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
        else p.resolve(m.result);
      },
    );
  });
}
