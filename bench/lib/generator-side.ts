// The generator half of the IPC channel: answer requests, push progress, and never outlive the
// runner (exit on disconnect, and after a hard lifetime given by the runner).
import type { GeneratorRequest, ProgressPush, ReplyEnvelope, RequestEnvelope } from './ipc-messages.js';

export type RequestHandler = (req: GeneratorRequest) => Promise<unknown> | unknown;

const DEFAULT_LIFETIME_MS = 15 * 60_000;

export function serveRequests(handler: RequestHandler): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('a generator must be started by the bench runner (child_process.fork)');
  process.on('message', (raw: unknown) => {
    const env = raw as RequestEnvelope;
    void (async () => {
      let reply: ReplyEnvelope;
      try {
        reply = { id: env.id, body: await handler(env.body) };
      } catch (err) {
        reply = { id: env.id, error: (err as Error).stack ?? String(err) };
      }
      if (env.id !== 0 && process.connected) send(reply);
    })();
  });
  process.on('disconnect', () => process.exit(0));
  const lifetimeMs = Number(process.env.BENCH_GENERATOR_LIFETIME_MS ?? DEFAULT_LIFETIME_MS);
  // The runner normally ends us; this bounds a generator whose runner hung.
  setTimeout(() => process.exit(3), lifetimeMs).unref();
}

export function pushProgress(push: ProgressPush): void {
  if (process.connected) process.send!({ push });
}
