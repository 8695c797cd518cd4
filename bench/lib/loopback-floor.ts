// The floor under every fan-out figure: what one small write() to a loopback TCP socket costs on
// this machine. A push server makes one such write per delivery, whatever its language.
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

const SOCKETS = 500;
const ROUNDS = 10;
const PAYLOAD = Buffer.alloc(100, 0x61);
const TIMEOUT_MS = 20_000;

export interface LoopbackFloor {
  /** Median over rounds of (time to write PAYLOAD once to each socket) / sockets. */
  readonly microsecondsPerWrite: number;
  /** The deliveries/s one core could make if writing were all it did. */
  readonly writesPerSecondPerCore: number;
}

export async function measureLoopbackFloor(): Promise<LoopbackFloor> {
  const accepted: Socket[] = [];
  const clients: Socket[] = [];
  const server = createServer((s) => accepted.push(s));
  const deadline = Date.now() + TIMEOUT_MS;
  try {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    for (let i = 0; i < SOCKETS && Date.now() < deadline; i++) {
      const c = connect(port, '127.0.0.1');
      c.on('data', () => undefined);
      clients.push(c);
      await new Promise<void>((r, reject) => c.once('connect', r).once('error', reject));
    }
    while (accepted.length < clients.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const perWrite: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const t0 = process.hrtime.bigint();
      for (const s of accepted) s.write(PAYLOAD);
      perWrite.push(Number(process.hrtime.bigint() - t0) / 1000 / accepted.length);
      await new Promise((r) => setTimeout(r, 50));
    }
    perWrite.sort((a, b) => a - b);
    const median = perWrite[Math.floor(perWrite.length / 2)]!;
    return { microsecondsPerWrite: median, writesPerSecondPerCore: 1e6 / median };
  } finally {
    for (const s of [...clients, ...accepted]) s.destroy();
    server.close();
  }
}
