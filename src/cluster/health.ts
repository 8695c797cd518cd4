// Connection state of a cluster part, for /metrics, /ready and SHOW STATUS.
import { EventEmitter } from 'node:events';

/** `connecting` until the first connection, `ready`, `down` while reconnecting, `closed` at the end. */
export type ClusterState = 'connecting' | 'ready' | 'down' | 'closed';

export interface ClusterHealth {
  readonly state: ClusterState;
  /** True while the part can reach its bus (`state === 'ready'`). */
  readonly healthy: boolean;
  on(event: 'state', listener: (state: ClusterState) => void): this;
  off(event: 'state', listener: (state: ClusterState) => void): this;
}

/** Keeps the state and emits `state` on every change. */
export class HealthState extends EventEmitter implements ClusterHealth {
  private current: ClusterState;

  constructor(initial: ClusterState) {
    super();
    this.current = initial;
  }

  get state(): ClusterState {
    return this.current;
  }

  get healthy(): boolean {
    return this.current === 'ready';
  }

  set(state: ClusterState): void {
    if (state === this.current || this.current === 'closed') return;
    this.current = state;
    this.emit('state', state);
  }
}
