// Password checks against [main] password: mysql_native_password and the caching_sha2_password
// fast path (the server knows the clear-text password, so no TLS/RSA exchange is needed).
import { createHash, timingSafeEqual } from 'node:crypto';

const sha1 = (...parts: Buffer[]) => {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
};
const sha256 = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** SHA1(P) XOR SHA1(S ++ SHA1(SHA1(P))); empty for an empty password (what clients send). */
export function nativePasswordToken(password: Buffer, scramble: Buffer): Buffer {
  if (password.length === 0) return Buffer.alloc(0);
  const stage1 = sha1(password);
  return xor(stage1, sha1(scramble, sha1(stage1)));
}

/** SHA256(P) XOR SHA256(SHA256(SHA256(P)) ++ S); empty for an empty password. */
export function cachingSha2Token(password: Buffer, scramble: Buffer): Buffer {
  if (password.length === 0) return Buffer.alloc(0);
  const stage1 = sha256(password);
  return xor(stage1, sha256(sha256(stage1), scramble));
}

function constantTimeEqual(expected: Buffer, received: Buffer): boolean {
  return expected.length === received.length && expected.length > 0 && timingSafeEqual(expected, received);
}

export function verifyNativePassword(password: Buffer, scramble: Buffer, response: Buffer): boolean {
  return constantTimeEqual(nativePasswordToken(password, scramble), response);
}

export function verifyCachingSha2FastAuth(password: Buffer, scramble: Buffer, response: Buffer): boolean {
  return constantTimeEqual(cachingSha2Token(password, scramble), response);
}

/** AuthSwitchRequest: fe, plugin name NUL, plugin data (the scramble) NUL. */
export function buildAuthSwitchRequest(plugin: string, scramble: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xfe]), Buffer.from(`${plugin}\0`, 'latin1'), scramble, Buffer.from([0])]);
}

/** caching_sha2_password "fast auth success": 01 (more data) 03; the OK packet follows. */
export const FAST_AUTH_SUCCESS: Buffer = Buffer.from([0x01, 0x03]);
