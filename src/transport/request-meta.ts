// What a connection keeps from its HTTP request (PROTOCOL.md §2.3.1 item 6): only for the admin
// listing (CometQL users_in_pipes), cut to upstream's sizes.
import type { IncomingMessage } from 'node:http';
import type { ConnectionMeta } from '../core/connection.js';
import { peerAddress } from '../peer-address.js';

const MAX_USER_AGENT = 250;
const MAX_ORIGIN = 250;
const MAX_LANGUAGE = 64;

/** Most connections share their User-Agent, Origin and language: keep one copy of each string. */
const INTERN_MAX = 4096;
const interned = new Map<string, string>();

function intern(s: string): string {
  if (s.length === 0) return '';
  const known = interned.get(s);
  if (known !== undefined) return known;
  if (interned.size >= INTERN_MAX) interned.clear(); // bounded: a flood of distinct values only costs misses
  interned.set(s, s);
  return s;
}

function header(req: IncomingMessage, name: string, max: number): string {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v.join(', ') : (v ?? '');
  return intern(s.length > max ? s.slice(0, max) : s);
}


export function requestMeta(req: IncomingMessage): ConnectionMeta {
  return {
    userAgent: header(req, 'user-agent', MAX_USER_AGENT),
    ip: intern(peerAddress(req.socket.remoteAddress)),
    origin: header(req, 'origin', MAX_ORIGIN),
    language: header(req, 'accept-language', MAX_LANGUAGE),
  };
}
