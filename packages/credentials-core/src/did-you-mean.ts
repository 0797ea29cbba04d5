/**
 * ` (did you mean 'x'?)` for the closest candidate to a misspelt name, or ''
 * when none is close (Damerau-Levenshtein distance at most a third of the
 * name, and at most 3). Names only: never use it on values.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  // No name is this long: a longer one (a hostile flow's) gets no suggestion, and costs nothing per candidate.
  if (name.length > MAX_NAME) return '';
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.min(MAX, Math.max(1, Math.floor(name.length / 3)));
  for (const c of candidates) {
    if (c === name) return '';
    // Lengths further apart than the distance allowed cannot be close: skipped before anything is copied.
    if (Math.abs(c.length - name.length) > bestDistance) continue;
    const d = distance(lower, c.toLowerCase());
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = c;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` (did you mean '${best}'?)`;
}

/** The longest name a suggestion is looked for (ids are at most 100 characters, namespaces a few hundred). */
const MAX_NAME = 1_000;

/** The largest distance {@link didYouMean} suggests at: anything further counts as MAX + 1. */
const MAX = 3;

/**
 * Optimal string alignment distance (insertions, deletions, substitutions,
 * adjacent swaps), or MAX + 1 when it is larger. Only the diagonal band
 * |i - j| <= MAX is computed, in three rows, and it stops once a whole row
 * is past MAX: time linear in the names' length, memory in the shorter's, so
 * a name of any length (a hostile flow's) costs no more than reading it.
 */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > MAX) return MAX + 1;
  const FAR = MAX + 1;
  let before = new Array<number>(b.length + 1).fill(FAR); // row i - 2
  let prev = Array.from({ length: b.length + 1 }, (_, j) => (j <= MAX ? j : FAR)); // row i - 1
  let row = new Array<number>(b.length + 1).fill(FAR);
  for (let i = 1; i <= a.length; i++) {
    // The band moved one cell right: the cell left of it still holds a value of row i - 3.
    row[0] = i <= MAX ? i : FAR;
    if (i - MAX - 1 >= 1) row[i - MAX - 1] = FAR;
    let best = row[0] as number;
    for (let j = Math.max(1, i - MAX); j <= Math.min(b.length, i + MAX); j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (before[j - 2] as number) + 1);
      row[j] = Math.min(d, FAR);
      if (d < best) best = d;
    }
    if (best > MAX) return FAR;
    [before, prev, row] = [prev, row, before];
  }
  return Math.min(prev[b.length] as number, FAR);
}
