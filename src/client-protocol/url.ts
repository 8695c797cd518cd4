// The WebSocket (and long-poll) request-target: `/ws/sesion=KEY&myid=UID&devid=DEV&v=4.08&uuid=U&api=js`.
// Positional like upstream, never percent-decoded (PROTOCOL.md §2.3.2); errors in §2.5's order.
import { ClientErrors } from '../errors.js';

/** The four WebSocket path prefixes (PROTOCOL.md §2.2), longest first. */
const WS_PREFIXES = ['//comet-server/ws/', '/comet-server/ws/', '//ws/', '/ws/'] as const;
/** Long-poll (ruling 7): the same URL without `/ws/`, with or without the `/comet-server` prefix. */
const POLL_PREFIXES = ['//comet-server/', '/comet-server/', '//', '/'] as const;

/** Sessions longer than this are treated as "not authorized" (PROTOCOL.md §2.3.2). */
export const MAX_SESSION_LENGTH = 600;
export const UUID_LENGTH = 32;
const MAX_USER_ID = 2147483647;
const MAX_VERSION_DIGITS = 9;

export interface ClientVersion {
  readonly major: number;
  readonly minor: number;
}

export interface ClientParams {
  readonly session: string;
  readonly userId: number;
  readonly devId: number;
  readonly version: ClientVersion;
  /** Major < 4: legacy envelope (PROTOCOL.md §2.3.3). */
  readonly legacy: boolean;
  readonly uuid: string;
}

export interface HandshakeError {
  readonly code: 401 | 406 | 418;
  readonly text: string;
  /** The version was still unknown (or < 4) when the error was found: legacy envelope. */
  readonly legacy: boolean;
}

export type ParsedTarget = { readonly ok: true; readonly params: ClientParams } | { readonly ok: false; readonly error: HandshakeError };

/** The part after one of the WebSocket prefixes, or undefined when the target is not a WebSocket path. */
export function wsQueryOf(target: string): string | undefined {
  for (const p of WS_PREFIXES) if (target.startsWith(p)) return target.slice(p.length);
  return undefined;
}

/** The part after a long-poll prefix when it looks like client parameters (`sesion=` or `?sesion=`). */
export function pollQueryOf(target: string): string | undefined {
  for (const p of POLL_PREFIXES) {
    if (!target.startsWith(p)) continue;
    const rest = target.slice(p.length);
    if (rest.startsWith('sesion=') || rest.startsWith('?sesion=')) return rest;
  }
  return undefined;
}

/** Text after the first `=` of a field, or undefined when there is none. */
function valueOf(field: string): string | undefined {
  const i = field.indexOf('=');
  return i === -1 ? undefined : field.slice(i + 1);
}

/** Digits only, at most `max`; anything else gives `fallback`. */
function digitsValue(text: string | undefined, max: number): number | undefined {
  if (text === undefined || text.length === 0 || !/^[0-9]+$/.test(text)) return undefined;
  const significant = text.replace(/^0+/, '');
  if (significant.length > 18) return undefined;
  const n = significant.length === 0 ? 0 : Number(significant);
  return n > max ? undefined : n;
}

/** One version part: empty = 0, leading zeros ignored, at most 9 significant digits. */
function versionPart(text: string): number | undefined {
  if (!/^[0-9]*$/.test(text)) return undefined;
  const significant = text.replace(/^0+/, '');
  if (significant.length > MAX_VERSION_DIGITS) return undefined;
  return significant.length === 0 ? 0 : Number(significant);
}

function fail(code: 401 | 406 | 418, text: string, legacy: boolean): ParsedTarget {
  return { ok: false, error: { code, text, legacy } };
}

/**
 * Parse the client parameters (the text after the path prefix). `devIndexSize` bounds dev_id:
 * anything not a number below it becomes 0 (never an error).
 */
export function parseClientQuery(query: string, devIndexSize: number): ParsedTarget {
  let q = query.startsWith('?') ? query.slice(1) : query;
  const space = q.indexOf(' ');
  if (space !== -1) q = q.slice(0, space);
  const f = q.split('&');
  const session = valueOf(f[0]);
  if (session === undefined) return fail(401, ClientErrors.noSession, true);
  if (f.length < 2) return fail(401, ClientErrors.noUserId, true);
  if (f.length < 3) return fail(406, ClientErrors.noPublicKey, true);
  if (f.length < 4) return fail(418, ClientErrors.noVersion, true);
  const v = valueOf(f[3]);
  const dot = v === undefined ? -1 : v.indexOf('.');
  const major = v === undefined || dot === -1 ? undefined : versionPart(v.slice(0, dot));
  if (major === undefined) return fail(418, ClientErrors.noVersion, true);
  const legacy = major < 4;
  // Upstream reads the minor "up to the next &": a parameter must follow v (PROTOCOL.md §2.3.1).
  const minor = versionPart(v!.slice(dot + 1));
  if (minor === undefined || f.length < 5) return fail(418, ClientErrors.noVersion, legacy);
  const userId = digitsValue(valueOf(f[1]), MAX_USER_ID) ?? 0;
  const devId = digitsValue(valueOf(f[2]), devIndexSize - 1) ?? 0;
  // A fresh copy: a slice would keep the whole request URL alive for the connection's lifetime.
  const uuid = f[4].startsWith('uuid=') ? Buffer.from(f[4].slice(5, 5 + UUID_LENGTH), 'utf8').toString('utf8') : '';
  return { ok: true, params: { session, userId, devId, version: { major, minor }, legacy, uuid } };
}
