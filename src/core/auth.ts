// Authorisation: stored hashes (users_auth), the JWT deny-list (revoked_tokens) and HS256 JWT
// verification with the secret `[main] password` + decimal dev_id (PROTOCOL.md §4.3).
import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import { timingSafeEqual } from 'node:crypto';
import { DevMap } from './keyed.js';
import { isCanonicalBase64url } from './jwt-encoding.js';
import { RevocationList } from './revocation.js';

export interface JwtClaims {
  readonly userId: number;
  readonly exp: number;
}

/** Constant-time string comparison (never short-circuits on the first differing byte). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab); // spend comparable time
    return false;
  }
  return timingSafeEqual(ab, bb);
}

export class AuthRegistry {
  readonly hashes = new DevMap<number, string>();
  readonly revoked = new RevocationList();

  constructor(private readonly password: string) {}

  /** Verify an HS256 JWT for dev; returns its claims or null (any failure). */
  async verifyJwt(dev: number, token: string, now: number): Promise<JwtClaims | null> {
    const segments = token.split('.');
    if (segments.length !== 3 || !segments.every(isCanonicalBase64url)) return null; // one spelling per token
    try {
      if (decodeProtectedHeader(token).alg !== 'HS256') return null;
      const claims = decodeJwt(token);
      if (typeof claims.exp !== 'number' || claims.exp < now) return null;
      if (typeof claims.user_id !== 'number' || !Number.isInteger(claims.user_id)) return null;
      const key = new TextEncoder().encode(this.password + String(dev));
      // jose checks the signature only: exp is checked above with upstream's rule (exp >= now, no
      // leeway) and nbf, iat, iss... are ignored as upstream does (docs/COMPATIBILITY.md).
      await compactVerify(token, key, { algorithms: ['HS256'] });
      return { userId: claims.user_id, exp: claims.exp };
    } catch {
      return null;
    }
  }

  /** Authorise (dev, user, session): JWT first, then the stored hash (PROTOCOL.md §4). */
  async authenticate(dev: number, user: number, session: string, now: number): Promise<boolean> {
    if (user <= 0) return false;
    if (session.split('.').length === 3) {
      const claims = await this.verifyJwt(dev, session, now);
      if (claims && claims.userId === user && !this.revoked.refuses(dev, session)) return true;
    }
    const hash = this.hashes.get(dev, user);
    return hash !== undefined && safeEqual(hash, session);
  }
}
