// "Did you mean …?" for misspelt column and feature names: the closest known name by edit distance,
// offered only when it is plausibly a typo rather than a different name altogether.

export function closestName(wanted: string, known: readonly string[]): string | undefined {
  const w = wanted.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = editDistance(w, name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  const tolerance = Math.max(2, Math.floor(wanted.length / 3));
  return bestDistance <= tolerance ? best : undefined;
}

/** A hint naming the closest match (if any) and listing every valid name. */
export function unknownNameHint(wanted: string, known: readonly string[], what: string): string {
  const guess = closestName(wanted, known);
  const list = `${what}: ${known.join(', ')}`;
  return guess !== undefined ? `did you mean "${guess}"? ${list}` : list;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
