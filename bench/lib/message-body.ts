// The benchmark message body "<tag>:<seq>:<sendMs>" and how a subscriber finds it in a frame.
// sendMs is read from process.hrtime (CLOCK_MONOTONIC), which every process on the machine shares,
// so the publisher's stamp and the subscriber's receive time are on one clock.

/** Milliseconds on the machine-wide monotonic clock, with sub-microsecond resolution. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function encodeBody(tag: 'm' | 'w', seq: number, sendMs: number): string {
  return `${tag}:${seq}:${sendMs.toFixed(3)}`;
}

export interface DecodedBody {
  readonly tag: string;
  readonly seq: number;
  readonly sendMs: number;
}

/** The `data` string of a server frame, without JSON.parse (subscribers are CPU-bound at scale). */
export function extractData(frame: string): string | undefined {
  const start = frame.indexOf('"data":"');
  if (start < 0) return undefined;
  const end = frame.indexOf('"', start + 8);
  return end < 0 ? undefined : frame.slice(start + 8, end);
}

export function decodeBody(data: string): DecodedBody | undefined {
  const a = data.indexOf(':');
  const b = a < 0 ? -1 : data.indexOf(':', a + 1);
  if (b < 0) return undefined;
  const seq = Number(data.slice(a + 1, b));
  const sendMs = Number(data.slice(b + 1));
  if (!Number.isFinite(seq) || !Number.isFinite(sendMs)) return undefined;
  return { tag: data.slice(0, a), seq, sendMs };
}

/** The frame bare-ws broadcasts: same shape and size as TsComet's pipe message (PROTOCOL.md 7.1). */
export function bareEnvelope(pipe: string, event: string, body: string): string {
  return `{"data":"${body}","event":"${event}","message_send_time":${Math.floor(Date.now() / 1000)},"pipe":"${pipe}"}`;
}
