// The logger the cluster parts take (pino's shape).
export interface ClusterLog {
  warn(details: Record<string, unknown>, message: string): void;
  info(details: Record<string, unknown>, message: string): void;
}

/** Deliver through the handler; a throwing handler is logged, never breaks the bus. */
export function deliverSafely<T>(handler: (p: T) => void, p: T, log: ClusterLog | undefined): void {
  try {
    handler(p);
  } catch (err) {
    log?.warn({ err }, 'cluster: publication handler failed');
  }
}
