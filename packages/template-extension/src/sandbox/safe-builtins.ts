/**
 * nunjucks builtins replaced because of how they run, not what they mean:
 * `striptags` (nunjucks' regular expression is quadratic on text with many
 * `<` and no `>`) and `dictsort` (nunjucks walks inherited properties, so a
 * SafeString exposed its prototype's functions as data).
 */

const TAG_NAME = /[a-z]/i;
const TAG_CHAR = /[a-z0-9]/i;

/** Removes `<tag …>`, `</tag>` and `<!-- … -->` in one pass (linear time). */
function removeTags(text: string): string {
  let out = '';
  let i = 0;
  // The next `>` and `-->` at or after a position, found once and reused while they lie ahead.
  let nextGt = -2;
  let nextCommentEnd = -2;
  const gtFrom = (from: number) => {
    if (nextGt !== -1 && nextGt < from) nextGt = text.indexOf('>', from);
    return nextGt;
  };
  const commentEndFrom = (from: number) => {
    if (nextCommentEnd !== -1 && nextCommentEnd < from) nextCommentEnd = text.indexOf('-->', from);
    return nextCommentEnd;
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    out += text.slice(i, lt);
    if (text.startsWith('<!--', lt)) {
      const end = commentEndFrom(lt + 4);
      if (end >= 0) {
        i = end + 3;
        continue;
      }
    } else {
      let j = lt + 1;
      if (text[j] === '/') j++;
      if (TAG_NAME.test(text[j] ?? '')) {
        let k = j + 1;
        while (k < text.length && TAG_CHAR.test(text[k] as string)) k++;
        // `\b` after the name: the next character is not a word character.
        if (!/\w/.test(text[k] ?? '')) {
          const gt = gtFrom(k);
          if (gt >= 0) {
            i = gt + 1;
            continue;
          }
        }
      }
    }
    out += '<';
    i = lt + 1;
  }
  return out + text.slice(i);
}

/** nunjucks' `striptags(preserveLinebreaks)`, with the same whitespace rules, in linear time. */
export function striptags(this: unknown, input: unknown, preserveLinebreaks?: unknown): string {
  const text = input === null || input === undefined || input === false ? '' : String(input);
  const trimmed = removeTags(text).trim();
  if (preserveLinebreaks) {
    return trimmed
      .replace(/^ +| +$/gm, '')
      .replace(/ +/g, ' ')
      .replace(/\r\n/g, '\n')
      .replace(/\n\n\n+/g, '\n\n');
  }
  return trimmed.replace(/\s+/g, ' ');
}

/** nunjucks' `dictsort(caseSensitive, by)` over own properties of a plain map only. */
export function dictsort(value: unknown, caseSensitive?: unknown, by?: unknown): [string, unknown][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('dictsort filter: val must be an object');
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new Error('dictsort filter: val must be a map');
  if (by !== undefined && by !== 'key' && by !== 'value') {
    throw new Error('dictsort filter: You can only sort by either key or value');
  }
  const index = by === 'value' ? 1 : 0;
  const entries = Object.keys(value).map((k): [string, unknown] => [k, (value as Record<string, unknown>)[k]]);
  const norm = (v: unknown) => (!caseSensitive && typeof v === 'string' ? v.toUpperCase() : v);
  return entries.sort((t1, t2) => {
    const a = norm(t1[index]) as string;
    const b = norm(t2[index]) as string;
    return a > b ? 1 : a === b ? 0 : -1;
  });
}
