// Name rules shared by both sides (PROTOCOL.md §8.1, COMETQL.md §6.1). Lengths are in bytes;
// the allowed characters are ASCII, so string length equals byte length whenever the charset passes.

const NAME_CHARS = /^[A-Za-z0-9_-]*$/;
const HASH_CHARS = /^[0-9A-Za-z=+/_]*$/;

export function hasNameChars(s: string): boolean {
  return NAME_CHARS.test(s);
}

export function hasHashChars(s: string): boolean {
  return HASH_CHARS.test(s);
}

/** A pipe name the CometQL side accepts: 3-64 bytes of [A-Za-z0-9_-]. */
export function isValidPipeName(s: string): boolean {
  return s.length >= 3 && s.length <= 64 && NAME_CHARS.test(s);
}

export const MAX_NAME_LENGTH = 64;
export const MAX_HASH_LENGTH = 32;
export const MAX_CONNECTIONS_PER_USER = 16;
export const MAX_HISTORY_LENGTH = 1000;
export const MAX_HISTORY_READ = 99;
export const MAX_TOKEN_LENGTH = 600;

/** Digit-prefix integer conversion of CometQL values (COMETQL.md §4.0); NaN when out of range. */
export function sqlInt(value: string): number {
  const m = /^(-?)(\d*)/.exec(value)!;
  if (m[2] === '') return 0;
  const n = Number.parseInt(m[1] + m[2], 10);
  return n > 2147483647 || n < -2147483648 ? Number.NaN : n;
}
