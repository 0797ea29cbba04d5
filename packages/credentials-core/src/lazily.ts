/**
 * A value built on first use, then kept. zod schemas cost start-up time to
 * build (tens of microseconds each), so config fields are built when a
 * config is validated, not when a module is imported.
 */
export function lazily<T>(build: () => T): () => T {
  let built = false;
  let value: T | undefined;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}
