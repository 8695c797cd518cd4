// The client's login packet (HandshakeResponse41, or the old 3.20 layout HAProxy's pre-41 check
// sends) and COM_CHANGE_USER. Bounds-checked: malformed input gives a ParseResult error, never a throw.
import { Capability } from './constants.js';
import { PayloadCursor } from './payload-cursor.js';
import { parseWith, WireError, type ParseResult } from './wire-error.js';

export interface HandshakeResponse {
  readonly capabilities: number;
  readonly protocol41: boolean;
  readonly maxPacketSize: number;
  readonly charset: number;
  readonly user: string;
  readonly authResponse: Buffer;
  /** null when the client did not send a database (no CONNECT_WITH_DB). */
  readonly database: string | null;
  /** null when the client did not name a plugin (no PLUGIN_AUTH). */
  readonly authPlugin: string | null;
  readonly attributes: ReadonlyMap<string, string>;
}

export interface ChangeUserRequest {
  readonly user: string;
  readonly authResponse: Buffer;
  readonly database: string | null;
  readonly charset: number | null;
  readonly authPlugin: string | null;
  readonly attributes: ReadonlyMap<string, string>;
}

/** The SSLRequest packet: capabilities, max packet size, charset, 23 filler bytes and nothing else. */
const SSL_REQUEST_LENGTH = 32;
const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();

const text = (b: Buffer) => b.toString('utf8');

function readAttributes(c: PayloadCursor): Map<string, string> {
  const attrs = new Map<string, string>();
  const block = new PayloadCursor(c.lenencBytes());
  while (block.remaining > 0) attrs.set(text(block.lenencBytes()), text(block.lenencBytes()));
  return attrs;
}

function parse41(c: PayloadCursor, capabilities: number): HandshakeResponse {
  const maxPacketSize = c.u32();
  const charset = c.u8();
  c.skip(23);
  const user = text(c.nulTerminated());
  let authResponse: Buffer;
  if (c.remaining === 0) authResponse = Buffer.alloc(0); // HAProxy-style minimal packets may stop here
  else if (capabilities & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) authResponse = c.lenencBytes();
  else if (capabilities & Capability.SECURE_CONNECTION) authResponse = c.bytes(c.u8());
  else authResponse = c.nulTerminatedOrRest();
  let database: string | null = null;
  if (capabilities & Capability.CONNECT_WITH_DB) database = c.remaining > 0 ? text(c.nulTerminatedOrRest()) : '';
  let authPlugin: string | null = null;
  if (capabilities & Capability.PLUGIN_AUTH && c.remaining > 0) authPlugin = c.nulTerminatedOrRest().toString('latin1');
  const attributes = capabilities & Capability.CONNECT_ATTRS && c.remaining > 0 ? readAttributes(c) : NO_ATTRIBUTES;
  return { capabilities, protocol41: true, maxPacketSize, charset, user, authResponse, database, authPlugin, attributes };
}

/** Protocol 3.20 layout: 2-byte capabilities, 3-byte max packet size, user NUL, auth data. */
function parse320(c: PayloadCursor): HandshakeResponse {
  const capabilities = c.u16();
  const maxPacketSize = c.u24();
  const user = text(c.nulTerminatedOrRest());
  let authResponse: Buffer;
  let database: string | null = null;
  if (capabilities & Capability.CONNECT_WITH_DB) {
    authResponse = c.nulTerminatedOrRest();
    database = text(c.nulTerminatedOrRest());
  } else {
    authResponse = c.nulTerminatedOrRest();
  }
  return { capabilities, protocol41: false, maxPacketSize, charset: 0, user, authResponse, database, authPlugin: null, attributes: NO_ATTRIBUTES };
}

export function parseHandshakeResponse(payload: Buffer): ParseResult<HandshakeResponse> {
  return parseWith(() => {
    const c = new PayloadCursor(payload);
    if (payload.length < 2) throw new WireError('CQL_ERR_TRUNCATED', 'login packet too short');
    if ((payload.readUInt16LE(0) & Capability.PROTOCOL_41) === 0) return parse320(c);
    const capabilities = c.u32();
    if (capabilities & Capability.SSL && payload.length === SSL_REQUEST_LENGTH) {
      throw new WireError('CQL_ERR_SSL_REQUEST', 'client requested TLS, which is not offered');
    }
    return parse41(c, capabilities);
  });
}

/**
 * COM_CHANGE_USER (payload starts with 0x11): user NUL, auth (1-byte length with
 * SECURE_CONNECTION), database NUL, then optionally charset, plugin name and attributes.
 */
export function parseChangeUser(payload: Buffer, clientCapabilities: number): ParseResult<ChangeUserRequest> {
  return parseWith(() => {
    const c = new PayloadCursor(payload);
    c.skip(1);
    const user = text(c.nulTerminated());
    const authResponse = clientCapabilities & Capability.SECURE_CONNECTION ? c.bytes(c.u8()) : c.nulTerminated();
    const database = c.remaining > 0 ? text(c.nulTerminatedOrRest()) : null;
    const charset = c.remaining >= 2 ? c.u16() : null;
    let authPlugin: string | null = null;
    if (clientCapabilities & Capability.PLUGIN_AUTH && c.remaining > 0) authPlugin = c.nulTerminatedOrRest().toString('latin1');
    const attributes = clientCapabilities & Capability.CONNECT_ATTRS && c.remaining > 0 ? readAttributes(c) : NO_ATTRIBUTES;
    return { user, authResponse, database, charset, authPlugin, attributes };
  });
}
