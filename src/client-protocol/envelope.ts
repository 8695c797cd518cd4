// Server -> browser messages (PROTOCOL.md §5). An Envelope is built once per logical message and
// serialized lazily once per client-version class (ruling 5), never once per subscriber.

export type EnvelopeData = string | number | readonly unknown[] | { readonly [key: string]: unknown };

/** Fields in the byte order upstream emits them (keys sorted); build objects in this order. */
export interface MessageFields {
  readonly _info?: string;
  readonly authorized?: boolean;
  readonly data: EnvelopeData;
  readonly event: string;
  readonly fromQueue?: true;
  readonly history?: true;
  readonly marker?: string;
  readonly message_send_time?: number;
  readonly pipe: string;
  readonly server?: string;
  readonly user_id?: number;
}

const LEGACY_API_DATA = 'for major_version < 4';

/** JSON.stringify, then every apostrophe as \u0027 (ruling 3: survives the clients' \' rewrite). */
export function toJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text.indexOf("'") === -1 ? text : text.replace(/'/g, '\\u0027');
}

/** The object to serialize, keys inserted in sorted order so JSON.stringify matches upstream's bytes. */
function envelopeObject(f: MessageFields, legacy: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (f._info !== undefined) o._info = f._info;
  if (legacy) o.api_data = LEGACY_API_DATA;
  // v3.25 recognises authorization only from the strings "true"/"false" (PROTOCOL.md §3).
  if (f.authorized !== undefined) o.authorized = legacy ? (f.authorized ? 'true' : 'false') : f.authorized;
  // Legacy: object/array data travels as a JSON string, except on pipe msg (PROTOCOL.md §5.4).
  const plain = !legacy || typeof f.data === 'string' || typeof f.data === 'number' || f.pipe === 'msg';
  o.data = plain ? f.data : JSON.stringify(f.data);
  o.event = f.event;
  if (legacy) o.event_name = f.event;
  if (f.fromQueue) o.fromQueue = true;
  if (f.history) o.history = true;
  if (f.marker !== undefined) o.marker = f.marker;
  if (f.message_send_time !== undefined) o.message_send_time = f.message_send_time;
  o.pipe = f.pipe;
  if (f.server !== undefined) o.server = f.server;
  if (f.user_id !== undefined) o.user_id = f.user_id;
  return o;
}

export class Envelope {
  private modern: string | undefined;
  private legacy: string | undefined;
  /** Transport-owned cache of the framed bytes per class (index 0 modern, 1 legacy). */
  readonly frames: [unknown, unknown] = [undefined, undefined];

  constructor(readonly fields: MessageFields) {}

  json(legacy: boolean): string {
    if (legacy) return (this.legacy ??= toJson(envelopeObject(this.fields, true)));
    return (this.modern ??= toJson(envelopeObject(this.fields, false)));
  }
}
