// The `subscription` argument list (PROTOCOL.md §6.1.1, REC tokenisation): every byte outside
// [A-Za-z0-9_-] separates, a token shorter than 2 stops silently, longer than 64 is an error.
import { MAX_NAME_LENGTH } from '../core/names.js';

export const MAX_SUBSCRIPTION_TEXT_BYTES = 2176;
export const MAX_SUBSCRIPTIONS = 32;
const MIN_SUBSCRIPTION_NAME = 2;

/** What went wrong, if anything; every problem except `tooManyNames` closes the connection. */
export type SubscriptionProblem = 'textTooLong' | 'nameTooLong' | 'tooManyNames';

export interface SubscriptionList {
  /** Names to join, in order (may be fewer than the tokens). */
  readonly names: readonly string[];
  readonly problem?: SubscriptionProblem;
}

function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d;
}

export function parseSubscriptionList(args: string, maxNames = MAX_SUBSCRIPTIONS): SubscriptionList {
  if (Buffer.byteLength(args, 'utf8') > MAX_SUBSCRIPTION_TEXT_BYTES) return { names: [], problem: 'textTooLong' };
  const names: string[] = [];
  let start = 0;
  for (let i = 0; i <= args.length; i++) {
    const c = i < args.length ? args.charCodeAt(i) : -1;
    if (c !== -1 && isNameChar(c)) continue;
    const token = args.slice(start, i);
    if (token.length < MIN_SUBSCRIPTION_NAME) break; // includes the empty token of doubled separators
    if (token.length > MAX_NAME_LENGTH) return { names, problem: 'nameTooLong' };
    if (names.length === maxNames) return { names, problem: 'tooManyNames' };
    names.push(token);
    // A non-ASCII character is several separator bytes in a row: the next token is empty.
    if (c >= 0x80) break;
    start = i + 1;
  }
  return { names };
}
