// Preloaded into a benchmarked server (node --import) so the runner can read its V8 heap and force
// a GC before a memory sample, without changing the server. Also ends the server with the runner.
import { getHeapStatistics } from 'node:v8';

interface ProbeRequest {
  readonly type: 'probe';
  readonly id: number;
  readonly gc: boolean;
}

const channel = process.send ? process : undefined;
if (channel) {
  process.on('message', (raw: unknown) => {
    const req = raw as ProbeRequest;
    if (req?.type !== 'probe') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    if (req.gc && gc) gc();
    // V8's own counters: process.memoryUsage() opens /proc/self and throws EMFILE at the fd limit.
    const h = getHeapStatistics();
    process.send!({ type: 'probe-result', id: req.id, heapUsed: h.used_heap_size, heapTotal: h.total_heap_size, external: h.external_memory, gc: Boolean(req.gc && gc) });
  });
  // The probe must not keep the server alive; the runner's exit must stop it.
  (process as unknown as { channel?: { unref(): void } }).channel?.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
