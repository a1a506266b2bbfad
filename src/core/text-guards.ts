// Checks on a text before a recursive parser sees it: a file that is not UTF-8, or nested so deep
// that parsing it would overflow the stack, gets one located error instead of hundreds of
// "unexpected character" errors or a RangeError.

/** The encoding a text decoded as UTF-8 was really written in, when it was not UTF-8. */
export function foreignEncoding(text: string): 'UTF-16' | undefined {
  // Read as UTF-8, a UTF-16 byte-order mark becomes two replacement characters, and ASCII text
  // in UTF-16 has a NUL byte beside every character.
  if (text.startsWith('\uFFFD\uFFFD')) return 'UTF-16';
  // Mostly-ASCII UTF-16 without a mark: NULs on every other byte (one parity only), unlike binary data.
  const head = text.slice(0, 512);
  if (head.length < 4) return undefined;
  const nuls = [0, 0];
  for (let i = 0; i < head.length; i++) if (head.charCodeAt(i) === 0) nuls[i % 2]++;
  const half = head.length / 2;
  const alternating = (a: number, b: number) => a >= 0.9 * Math.floor(half) && b <= 0.1 * half;
  return alternating(nuls[0], nuls[1]) || alternating(nuls[1], nuls[0]) ? 'UTF-16' : undefined;
}

/** Offset of the first `[` or `{` deeper than `maxDepth`, outside strings and comments; -1 if none. */
export function tooDeepAt(text: string, maxDepth: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) {
        if (text.charCodeAt(i) === 0x5c /* \ */) i++;
        else if (text.charCodeAt(i) === 0x0a) break; // an unterminated string ends at the line
      }
    } else if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2f) {
      while (i < text.length && text.charCodeAt(i) !== 0x0a) i++;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth = Math.max(0, depth - 1);
    }
  }
  return -1;
}
