// Seeded PRNG for the fuzz tests (mulberry32: small, fast, reproducible). FUZZ_SEED overrides the
// seed so a failure seen in CI can be replayed.
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function fuzzSeed(fallback: number): number {
  return process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : fallback;
}
