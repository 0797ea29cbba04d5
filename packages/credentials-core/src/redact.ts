/** The fixed mask: it never reveals the length of what it hides. */
export const MASK = '******';

/**
 * The forms a sensitive value may take in output: itself, base64,
 * base64url and URL-encoded (Kestra issues #8131 and #10526).
 */
export function sensitiveForms(value: string): string[] {
  const forms = new Set<string>([value]);
  const buf = Buffer.from(value, 'utf8');
  forms.add(buf.toString('base64'));
  forms.add(buf.toString('base64').replace(/=+$/, ''));
  forms.add(buf.toString('base64url'));
  forms.add(encodeURIComponent(value));
  forms.add(new URLSearchParams([['', value]]).toString().slice(1));
  return [...forms].filter((f) => f.length > 0);
}

/**
 * Replaces every occurrence of each value, in each of its
 * {@link sensitiveForms}, with {@link MASK}. Longer forms are replaced
 * first, so a value that contains another is masked whole.
 */
export function redact(text: string, values: Iterable<string>): string {
  const forms = new Set<string>();
  for (const v of values) {
    // Very short values would mask ordinary words; a token or secret of
    // fewer than 4 characters protects nothing anyway.
    if (v.length < 4) continue;
    for (const f of sensitiveForms(v)) forms.add(f);
  }
  if (forms.size === 0) return text;
  let out = text;
  for (const f of [...forms].sort((a, b) => b.length - a.length)) {
    if (out.includes(f)) out = out.split(f).join(MASK);
  }
  return out;
}
