// Test JWTs (PROTOCOL.md §4.3): HS256 signatures over given segments, and alternative spellings.
import { createHmac } from 'node:crypto';

/** The e2e tenant's secret: [main] password + dev_id 1. */
export const DEV1_SECRET = 'CometQLPassword1';

export const b64url = (v: string | Buffer): string => Buffer.from(v).toString('base64url');

/** `<header>.<payload>.<signature>` over the segments exactly as given (canonical or not). */
export function signSegments(header: string, payload: string, secret = DEV1_SECRET, alg: 'sha256' | 'sha512' | 'none' = 'sha256'): string {
  const signing = `${header}.${payload}`;
  return `${signing}.${alg === 'none' ? '' : createHmac(alg, secret).update(signing).digest('base64url')}`;
}

/** An HS256 (or HS512 / none, per the header) JWT with the dev_id 1 secret unless told otherwise. */
export function jwt(payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }, secret = DEV1_SECRET): string {
  const alg = header.alg === 'HS512' ? 'sha512' : header.alg === 'none' ? 'none' : 'sha256';
  return signSegments(b64url(JSON.stringify(header)), b64url(JSON.stringify(payload)), secret, alg);
}

/** The last character with its lowest bit flipped: same bytes when that bit is unused. */
export function flipLowBit(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return text.slice(0, -1) + alphabet[alphabet.indexOf(text.at(-1)!) ^ 1];
}

/** Spellings a lenient verifier takes for `token` (a 32-byte signature has 2 unused bits). */
export function signatureVariants(token: string): string[] {
  const [h, p, s] = token.split('.') as [string, string, string];
  return [`${token}=`, `${h}.${p}.${flipLowBit(s)}`, `${h}.${p}.${flipLowBit(s)}=`];
}
