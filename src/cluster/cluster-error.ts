// The one error type the cluster seams reject with: a code the core can switch on, a catalogue text.
import { ClusterErrors } from '../errors.js';

export type ClusterErrorCode = keyof typeof ClusterErrors;

export class ClusterError extends Error {
  constructor(
    readonly code: ClusterErrorCode,
    options?: { cause?: unknown },
  ) {
    super(ClusterErrors[code], options);
    this.name = 'ClusterError';
  }
}
