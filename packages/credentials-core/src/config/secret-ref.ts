/**
 * A reference to a secret, as written in `credflow.yaml`
 * (`clientSecret: { secret: NAME, subkey: KEY }`). Config owns the shape and
 * the name rule; secret providers and the resolver read them from here.
 */
export interface SecretRef {
  secret: string;
  /** Reads one key of a JSON-object secret. */
  subkey?: string;
}

/** Secret names: letters, digits, `_`, `.`, `-`; never a path. */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;

/** Whether `name` is a valid secret name: the pattern, and no `..` (a name is never a path). */
export function isValidSecretName(name: string): boolean {
  return SECRET_NAME_PATTERN.test(name) && !name.includes('..');
}
