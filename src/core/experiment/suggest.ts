// "Did you mean …?" for misspelt keys, enum values and sweep paths: the closest candidate by edit
// distance, offered only when it is plausibly a typo rather than a different word altogether.

/** Levenshtein distance, counting a swap of two neighbours as one edit (typos are mostly swaps). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `wanted`, or undefined when none is close enough. Case and the
 * separators `-`, `_` and space are ignored first, so `bce_with_logits` finds `bce-with-logits`.
 */
export function closest(wanted: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const w = norm(wanted);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(w, norm(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = Math.max(1, Math.min(3, Math.floor(wanted.length / 3)));
  return bestDistance <= tolerance ? best : undefined;
}

/** `did you mean \`x\`?`, or undefined when nothing is close. */
export function didYouMean(wanted: string, candidates: readonly string[]): string | undefined {
  const guess = closest(wanted, candidates);
  return guess === undefined ? undefined : `did you mean \`${guess}\`?`;
}
