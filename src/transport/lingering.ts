// Sockets we ended (graceful WebSocket ends, 408/400 answers) that the peer has not let go of:
// each is destroyed once flushed ('finish'); the sweep destroys the ones still open after a grace.
import type { Socket } from 'node:net';

/** A socket still open this long after we ended it is destroyed (its descriptor released). */
export const LINGER_GRACE_SECONDS = 5;

export class LingeringSockets {
  private readonly since = new Map<Socket, number>();

  add(socket: Socket, now: number): void {
    if (!socket.destroyed) this.since.set(socket, now);
  }

  get size(): number {
    return this.since.size;
  }

  /** Forget closed sockets, destroy the ones past the grace period. */
  sweep(now: number): void {
    for (const [socket, since] of this.since) {
      if (socket.destroyed) this.since.delete(socket);
      else if (now - since >= LINGER_GRACE_SECONDS) {
        socket.destroy();
        this.since.delete(socket);
      }
    }
  }
}
