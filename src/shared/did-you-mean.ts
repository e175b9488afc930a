// "Did you mean …?" for a mistyped name (a command, an ID-photo size, a model, a preset): the known
// name nearest by edit distance, when it is near enough to be the one meant. Pure; no 'node:*'.

/** Edits (insert, delete, replace, swap two neighbours) from `a` to `b`, case ignored. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[s.length][t.length];
}

/**
 * The known name nearest `word`, when at most a third of its letters (at least one) are off and no
 * other is as near; else undefined. "portait" is "portrait", "Portrait" too, "cn-1inh" "cn-1inch"; "x" is nothing.
 */
export function nearestName(word: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestD = Infinity;
  let isTie = false;
  for (const name of known) {
    const d = editDistance(word, name);
    if (d < bestD) {
      [best, bestD, isTie] = [name, d, false];
    } else if (d === bestD) isTie = true;
  }
  // A name off only in case ("Portrait") is one too: the names are matched as typed.
  return best !== undefined && best !== word && bestD <= limit && !isTie ? best : undefined;
}

/** " Did you mean X?" for a mistyped name, or '' when none is near. */
export function didYouMean(word: string, known: readonly string[]): string {
  const near = nearestName(word, known);
  return near ? ` Did you mean ${near}?` : '';
}
