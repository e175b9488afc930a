// A seeded random sequence for tests that make their own data (the C library's old rand
// constants): the same seed gives the same numbers on every machine, unlike Math.random.

/** Numbers in [0, 1) from `seed`, each call the next: seed <- (seed · 1103515245 + 12345) mod 2^31. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}
