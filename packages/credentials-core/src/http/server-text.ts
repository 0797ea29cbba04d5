/**
 * Text a server sent (an RFC 6749 `error_description`, a GitHub `message`),
 * for an error message: whole, or not at all when longer than `max`. Never
 * cut short: a cut can split a secret the server echoed, and a part of a
 * secret is something no masker can recognise.
 */
export function serverText(text: string, max: number): string {
  return text.length <= max ? text : `(${text.length} characters, not shown)`;
}
