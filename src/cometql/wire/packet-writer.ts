// Frames response payloads as packets with consecutive sequence ids; payloads of 0xffffff bytes
// or more are split over several packets (an exact multiple ends with an empty packet).
import { MAX_PACKET_PAYLOAD } from './constants.js';

export interface FramedResponse {
  readonly data: Buffer;
  /** Sequence id the next packet of this exchange would carry. */
  readonly nextSequenceId: number;
}

export function framePackets(payloads: readonly Buffer[], firstSequenceId: number): FramedResponse {
  const parts: Buffer[] = [];
  let seq = firstSequenceId & 0xff;
  const emit = (body: Buffer) => {
    const header = Buffer.allocUnsafe(4);
    header.writeUIntLE(body.length, 0, 3);
    header[3] = seq;
    seq = (seq + 1) & 0xff;
    parts.push(header, body);
  };
  for (const payload of payloads) {
    let offset = 0;
    while (payload.length - offset >= MAX_PACKET_PAYLOAD) {
      emit(payload.subarray(offset, offset + MAX_PACKET_PAYLOAD));
      offset += MAX_PACKET_PAYLOAD;
    }
    emit(payload.subarray(offset));
  }
  return { data: Buffer.concat(parts), nextSequenceId: seq };
}
