// Parse errors of the wire codec carry stable codes; the connection maps each code to an answer.

export type WireErrorCode =
  /** A field runs past the end of the payload. */
  | 'CQL_ERR_TRUNCATED'
  /** A length-encoded integer starts with 0xfb/0xff or does not fit a safe integer. */
  | 'CQL_ERR_INVALID_LENENC'
  /** A (possibly multi-packet) payload exceeds the reader's maximum size. */
  | 'CQL_ERR_PACKET_TOO_LARGE'
  /** The login packet is an SSLRequest, but TLS is not offered. */
  | 'CQL_ERR_SSL_REQUEST'
  /** COM_STMT_EXECUTE names a parameter type the decoder does not know. */
  | 'CQL_ERR_UNKNOWN_PARAM_TYPE'
  /** COM_STMT_EXECUTE sends values without types and none were bound before. */
  | 'CQL_ERR_MISSING_PARAM_TYPES';

export class WireError extends Error {
  constructor(
    readonly code: WireErrorCode,
    message: string,
    /** Sequence id of the offending packet, when known (oversize packets). */
    readonly sequenceId = 0,
    /** First payload byte (the command) of the offending packet, -1 when unknown. */
    readonly command = -1,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

/** Run a parser that throws WireError on malformed input; a stray RangeError from Buffer counts as truncation. */
export function parseWith<T>(parse: () => T): ParseResult<T> {
  try {
    return { ok: true, value: parse() };
  } catch (err) {
    if (err instanceof WireError) return { ok: false, error: err };
    if (err instanceof RangeError) return { ok: false, error: new WireError('CQL_ERR_TRUNCATED', err.message) };
    throw err;
  }
}
