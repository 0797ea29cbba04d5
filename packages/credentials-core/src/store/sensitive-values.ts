/**
 * Who hears of sensitive values (SPEC section 9, masking): every listener
 * of {@link CredentialStore.onSensitiveValue} is told of each value the
 * store produces, the moment it is produced.
 */
export class SensitiveValues {
  readonly #listeners = new Set<(value: string) => void>();

  /** Calls `listener` with every value reported from now on; returns a function that unsubscribes. */
  listen(listener: (value: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells every listener of `value`. */
  report(value: string): void {
    for (const l of this.#listeners) l(value);
  }
}
