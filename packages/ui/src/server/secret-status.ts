import type { SecretProvider, SecretRef } from '@credflow/credentials-core';
import { SecretResolver } from '@credflow/credentials-core/internal';

/** Whether a secret reference resolves now. Never the value. */
export type SecretStatus = 'ok' | 'missing' | 'invalid';

/**
 * Resolves each reference (subkey included) and keeps only whether it
 * worked: the values read are dropped at once and never leave this function.
 */
export async function secretStatuses(
  providers: readonly SecretProvider[],
  refs: readonly SecretRef[],
): Promise<SecretStatus[]> {
  const resolver = new SecretResolver(providers);
  const seen = new Map<string, Promise<SecretStatus>>();
  const check = async (ref: SecretRef): Promise<SecretStatus> => {
    try {
      await resolver.resolve(ref);
      return 'ok';
    } catch (err) {
      return (err as { code?: string }).code === 'ERR_SECRET_NOT_FOUND' ? 'missing' : 'invalid';
    }
  };
  return Promise.all(
    refs.map((ref) => {
      const id = `${ref.secret}\u0000${ref.subkey ?? ''}`;
      let status = seen.get(id);
      if (!status) {
        status = check(ref);
        seen.set(id, status);
      }
      return status;
    }),
  );
}
