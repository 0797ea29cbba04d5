/** Kestra's boolean coercion (`TruthUtils.isTruthy`): false, 0, -0, an empty string and null are false. */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  const text = String(value).trim();
  return !['false', '0', '-0', '', 'null'].includes(text);
}
