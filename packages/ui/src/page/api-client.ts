// Calls to the UI API. Every call carries the session key; answers that
// refuse the key are turned into words a user can act on.

export interface Issue {
  path: string;
  line?: number;
  message: string;
}

export interface ApiError {
  error?: unknown;
  code?: string;
  message?: string;
  file?: string;
  issues?: Issue[];
}

function sessionKey(): string {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('key');
  if (fromUrl) {
    sessionStorage.setItem('credflow-key', fromUrl);
    history.replaceState(null, '', location.pathname); // keep the key out of the address bar
  }
  return sessionStorage.getItem('credflow-key') ?? '';
}

const KEY = sessionKey();

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; data: T & ApiError }> {
  const res = await fetch(`/api${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-credflow-key': KEY },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  let data: T & ApiError;
  try {
    data = (await res.json()) as T & ApiError;
  } catch {
    data = { message: `the server answered HTTP ${res.status} without details` } as T & ApiError;
  }
  return { status: res.status, data };
}

/** A refused session key, in words; undefined when the answer is something else. */
export function sessionProblem(status: number, data: ApiError): string | undefined {
  if (status === 401) return 'No session key: open the URL printed by `credflow ui` (it holds the key).';
  if (status === 403 && data.code === 'ERR_UI_KEY_WRONG')
    return 'session key expired or wrong: open the URL printed by `credflow ui`';
  if (status === 403) return `Refused by the server: ${data.message ?? 'forbidden'}`;
  return undefined;
}

/** A config-file problem as lines: `line 7: credentials.x.clientSecret: …`. */
export function issueLines(issues: readonly Issue[]): string[] {
  return issues.map((i) => `${i.line ? `line ${i.line}: ` : ''}${i.path ? `${i.path}: ` : ''}${i.message}`);
}
