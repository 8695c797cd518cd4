// The runner's view of a publisher generator process.
import { GeneratorHandle } from './generator-handle.js';
import { PATHS } from './paths.js';
import type { PublishReply, PublishRequest, PublishTarget, RegisterUsersReply } from './ipc-messages.js';

const CALL_MS = 30_000;

export class Publisher {
  private constructor(private readonly gen: GeneratorHandle) {}

  static async open(name: string, target: PublishTarget, lifetimeMs: number): Promise<Publisher> {
    const gen = GeneratorHandle.start(name, PATHS.publisherGenerator, lifetimeMs);
    await gen.call({ type: 'open', target }, CALL_MS);
    return new Publisher(gen);
  }

  get pid(): number {
    return this.gen.pid;
  }

  publish(req: Omit<PublishRequest, 'type'>): Promise<PublishReply> {
    return this.gen.call<PublishReply>({ type: 'publish', ...req }, req.durationMs + CALL_MS);
  }

  allow(upTo: number): void {
    this.gen.notify({ type: 'allow', upTo });
  }

  registerUsers(base: number, count: number, deadlineMs: number): Promise<RegisterUsersReply> {
    return this.gen.call<RegisterUsersReply>({ type: 'register-users', base, count, deadlineMs }, deadlineMs + CALL_MS);
  }

  async close(): Promise<void> {
    await this.gen.call({ type: 'close' }, CALL_MS).catch(() => undefined);
    await this.gen.stop();
  }
}
