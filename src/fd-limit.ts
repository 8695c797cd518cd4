// Connection caps derived from the process's open-file limit, so a listener refuses new
// connections cleanly (Node's maxConnections) before accept() starts failing with EMFILE.
import { readFileSync } from 'node:fs';

/** The soft RLIMIT_NOFILE, or undefined where /proc is not available. */
export function openFileLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m && m[1] !== 'unlimited' ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface ConnectionCaps {
  readonly ws: number | undefined;
  readonly cometql: number | undefined;
}

/**
 * Browser connections get the limit minus a reserve (a quarter, at most 96) for the store, files and
 * stdio, so ~19,900 fit under the usual 20,000; CometQL sessions (few, long-lived) get a tenth, at
 * most 1000. Past both, libuv still refuses cleanly on EMFILE; the caps make it visible and logged.
 */
export function connectionCaps(limit: number | undefined): ConnectionCaps {
  if (limit === undefined) return { ws: undefined, cometql: undefined };
  const reserve = Math.min(96, Math.floor(limit / 4));
  return { ws: Math.max(1, limit - reserve), cometql: Math.min(1000, Math.max(8, Math.floor(limit / 10))) };
}
