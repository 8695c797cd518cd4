// The server greeting (Initial Handshake v10, COMETQL.md §2.2 Re-impl).
import { randomBytes } from 'node:crypto';
import { MYSQL_SERVER_VERSION } from '../../version.js';
import { Capability, CHARSET_UTF8_GENERAL_CI, NATIVE_PASSWORD_PLUGIN, SCRAMBLE_LENGTH, ServerStatus } from './constants.js';

/** Upstream's 0xC00FFFFF minus SSL, COMPRESS and the client-only bits 30/31 (COMETQL.md §2.2). */
export const BASE_CAPABILITIES = 0x000ff7df;
/** What TsComet advertises: the base set plus the two login-packet features the parser handles. */
export const SERVER_CAPABILITIES = BASE_CAPABILITIES | Capability.CONNECT_ATTRS | Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA;

let lastConnectionId = 0;

/** Per-process connection id counter (32-bit, never 0). */
export function nextConnectionId(): number {
  lastConnectionId = lastConnectionId >= 0xffffffff ? 1 : lastConnectionId + 1;
  return lastConnectionId;
}

/** 20 random bytes in 0x01..0x7f, so clients reading part 2 as a C string cannot be confused. */
export function createScramble(): Buffer {
  const out = randomBytes(SCRAMBLE_LENGTH);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] % 0x7f) + 1;
  return out;
}

export interface GreetingOptions {
  readonly connectionId: number;
  readonly scramble: Buffer;
  readonly serverVersion?: string;
  readonly capabilities?: number;
}

export function buildGreeting(options: GreetingOptions): Buffer {
  const version = Buffer.from((options.serverVersion ?? MYSQL_SERVER_VERSION).replace(/\0/g, ''), 'utf8');
  const caps = (options.capabilities ?? SERVER_CAPABILITIES) >>> 0;
  const scramble = options.scramble;
  if (scramble.length !== SCRAMBLE_LENGTH) throw new RangeError(`scramble must be ${SCRAMBLE_LENGTH} bytes`);
  const plugin = Buffer.from(`${NATIVE_PASSWORD_PLUGIN}\0`, 'latin1');
  const out = Buffer.alloc(1 + version.length + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10 + 13 + plugin.length);
  let o = 0;
  out[o++] = 10; // protocol version
  o += version.copy(out, o);
  out[o++] = 0;
  out.writeUInt32LE(options.connectionId >>> 0, o);
  o += 4;
  o += scramble.copy(out, o, 0, 8);
  out[o++] = 0; // filler
  out.writeUInt16LE(caps & 0xffff, o);
  o += 2;
  out[o++] = CHARSET_UTF8_GENERAL_CI;
  out.writeUInt16LE(ServerStatus.AUTOCOMMIT, o);
  o += 2;
  out.writeUInt16LE(caps >>> 16, o);
  o += 2;
  out[o++] = SCRAMBLE_LENGTH + 1; // auth-plugin-data length incl. the trailing NUL
  o += 10; // reserved, zero
  o += scramble.copy(out, o, 8, 20);
  out[o++] = 0;
  plugin.copy(out, o);
  return out;
}
