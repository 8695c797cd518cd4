// The WebSocket request-target a CometServerApi.js v4.08 browser sends (PROTOCOL.md 2.1).
import { userHash } from './ipc-messages.js';

const UUID_LENGTH = 32;

/** A distinct 32-character uuid from [A-Za-z0-9_-] for connection `index`. */
export function benchUuid(index: number): string {
  return `bench_${index.toString(36)}_`.padEnd(UUID_LENGTH, 'x').slice(0, UUID_LENGTH);
}

export function browserPath(index: number, identity: 'anonymous' | 'user', userBase: number): string {
  const userId = identity === 'user' ? userBase + index : 0;
  const session = identity === 'user' ? userHash(userId) : 'anonymous';
  return `/ws/sesion=${session}&myid=${userId}&devid=0&v=4.08&uuid=${benchUuid(index)}&api=js`;
}

/** The "subscription\n..." frame for connection `index`, or undefined when it subscribes to nothing. */
export function subscriptionFrame(
  index: number,
  plan: { kind: 'none' } | { kind: 'one'; pipe: string } | { kind: 'ring'; prefix: string; pipes: number },
): string | undefined {
  switch (plan.kind) {
    case 'none':
      return undefined;
    case 'one':
      return `subscription\n${plan.pipe}`;
    case 'ring': {
      const a = index % plan.pipes;
      const b = (index + 1) % plan.pipes;
      return `subscription\n${plan.prefix}${a}\n${plan.prefix}${b}`;
    }
  }
}
