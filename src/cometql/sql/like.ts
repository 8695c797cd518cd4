// SQL LIKE matching (`%`, `_`, backslash escape), case-insensitive, for SHOW … LIKE filters.
// Iterative with single backtracking point: linear-ish, never exponential.

export function sqlLike(text: string, pattern: string): boolean {
  const s = text.toLowerCase();
  const p = pattern.toLowerCase();
  let si = 0;
  let pi = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    if (pi < p.length) {
      const c = p[pi];
      if (c === '%') {
        starP = pi++;
        starS = si;
        continue;
      }
      if (c === '\\' && pi + 1 < p.length) {
        if (p[pi + 1] === s[si]) {
          pi += 2;
          si++;
          continue;
        }
      } else if (c === '_' || c === s[si]) {
        pi++;
        si++;
        continue;
      }
    }
    if (starP < 0) return false;
    pi = starP + 1;
    si = ++starS;
  }
  while (pi < p.length && p[pi] === '%') pi++;
  return pi === p.length;
}
