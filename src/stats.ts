// Listener counters shared by the listeners (writers) and SHOW STATUS / metrics (readers).
export class ListenerStats {
  online = 0;
  accepted = 0;
  closed = 0;
  /** Handled read events (frames / packets). */
  messages = 0;
  constructor(readonly name: string, readonly statInterval: number) {}
}

export class ServerStats {
  readonly startedAt = Date.now();
  constructor(
    readonly frontend: ListenerStats,
    readonly backend: ListenerStats,
  ) {}

  uptimeSeconds(): number {
    return Math.floor((Date.now() - this.startedAt) / 1000);
  }
}
