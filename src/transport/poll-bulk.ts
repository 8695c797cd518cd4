// One bulk reply (offline-queue flush, history replay) on a long-poll session: how far its
// messages were buffered, put into answers, and written (ClientLink.sendBulk's contract).
import type { Envelope } from '../client-protocol/envelope.js';

export class PollBulk {
  /** Messages moved into the session's buffer so far. */
  buffered = 0;
  /** Of those, messages in answers already sent off. */
  answered = 0;
  /** Of those, messages in answers whose bytes were written ('finish'). */
  accepted = 0;
  private settled = false;
  private resolveDone!: (n: number) => void;
  readonly done = new Promise<number>((resolve) => (this.resolveDone = resolve));

  constructor(
    readonly msgs: readonly Envelope[],
    private readonly onAccepted: (n: number) => void,
  ) {}

  get fullyBuffered(): boolean {
    return this.buffered === this.msgs.length;
  }

  /** An answer holding its messages is still being written. */
  get inFlight(): boolean {
    return this.answered > this.accepted;
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** The answer holding messages up to `n` was written. */
  accept(n: number): void {
    if (n > this.accepted) {
      this.accepted = n;
      this.onAccepted(n);
    }
    if (n === this.msgs.length) this.settle();
  }

  /** The bulk ends (done, or the session died): resolve with what was written. */
  settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveDone(this.accepted);
  }
}
