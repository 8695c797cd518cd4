// One spelling per JWT: compact JWS segments are unpadded base64url (RFC 7515 §2), and decoders
// tolerate padding and unused low bits, so several texts decode to the same token. The verifier
// accepts only the canonical text; the deny-list keys on the decoded signature (docs/COMPATIBILITY.md).
import { Buffer } from 'node:buffer';

/** Base64url or base64, possibly padded or with non-zero unused bits (what lenient decoders accept). */
const LENIENT_SEGMENT = /^[A-Za-z0-9_+/-]*={0,2}$/;

/** True when `segment` is unpadded base64url that decodes and re-encodes to the same text. */
export function isCanonicalBase64url(segment: string): boolean {
  return Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

/** The three segments of a JWT-shaped text whose every segment a lenient decoder accepts. */
function jwtSegments(token: string): string[] | null {
  const parts = token.split('.');
  return parts.length === 3 && parts.every((p) => LENIENT_SEGMENT.test(p)) ? parts : null;
}

/** The canonical spelling of a JWT-shaped token (each segment re-encoded); other texts unchanged. */
export function canonicalSpelling(token: string): string {
  const parts = jwtSegments(token);
  return parts ? parts.map((p) => Buffer.from(p, 'base64url').toString('base64url')).join('.') : token;
}

/**
 * Deny-list key: JWT-shaped tokens by their decoded signature bytes (one HMAC = one signed text),
 * anything else by its text. The prefixes keep the two kinds apart.
 */
export function revocationKey(token: string): string {
  const parts = jwtSegments(token);
  return parts ? `s:${Buffer.from(parts[2]!, 'base64url').toString('base64url')}` : `t:${token}`;
}
