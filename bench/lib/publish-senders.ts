// The two ways a publisher pushes one message: a CometQL INSERT over the MySQL protocol (TsComet)
// or an HTTP POST to bare-ws-broadcast's trigger (the limit). One sender = one connection.
import { Agent, request } from 'node:http';
import { createConnection, type Connection } from 'mysql2/promise';
import { bareEnvelope, encodeBody } from './message-body.js';
import { userHash, type Addressing, type PublishTarget } from './ipc-messages.js';

export const BENCH_EVENT = 'e';

export interface MessageSender {
  /** Publish message `seq`; the body carries `sendMs` for the subscribers' latency. */
  publish(addressing: Addressing, tag: 'm' | 'w', seq: number, sendMs: number): Promise<void>;
  /** Any statement (CometQL only). */
  execute(sql: string): Promise<void>;
  close(): Promise<void>;
}

export function insertStatement(addressing: Addressing, body: string, seq: number): string {
  switch (addressing.kind) {
    case 'pipe':
      return `INSERT INTO pipes_messages (name, event, message) VALUES ('${addressing.pipe}', '${BENCH_EVENT}', '${body}')`;
    case 'pipe-ring':
      return `INSERT INTO pipes_messages (name, event, message) VALUES ('${addressing.prefix}${seq % addressing.pipes}', '${BENCH_EVENT}', '${body}')`;
    case 'user':
      return `INSERT INTO users_messages (id, event, message) VALUES (${addressing.base + (seq % addressing.users)}, '${BENCH_EVENT}', '${body}')`;
  }
}

export function registerUserStatement(id: number): string {
  return `INSERT INTO users_auth (id, hash) VALUES (${id}, '${userHash(id)}')`;
}

class CometqlSender implements MessageSender {
  constructor(private readonly conn: Connection) {}

  async publish(addressing: Addressing, tag: 'm' | 'w', seq: number, sendMs: number): Promise<void> {
    await this.conn.query(insertStatement(addressing, encodeBody(tag, seq, sendMs), seq));
  }

  async execute(sql: string): Promise<void> {
    await this.conn.query(sql);
  }

  async close(): Promise<void> {
    await this.conn.end().catch(() => this.conn.destroy());
  }
}

class BareHttpSender implements MessageSender {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  constructor(private readonly host: string, private readonly port: number) {}

  publish(addressing: Addressing, tag: 'm' | 'w', seq: number, sendMs: number): Promise<void> {
    if (addressing.kind !== 'pipe') return Promise.reject(new Error('bare-ws broadcasts to everyone: only one pipe'));
    const frame = bareEnvelope(addressing.pipe, BENCH_EVENT, encodeBody(tag, seq, sendMs));
    return new Promise((resolve, reject) => {
      const req = request({ host: this.host, port: this.port, method: 'POST', path: '/broadcast', agent: this.agent, headers: { 'content-length': Buffer.byteLength(frame) } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`bare-ws trigger: HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(frame);
    });
  }

  execute(): Promise<void> {
    return Promise.reject(new Error('bare-ws has no CometQL'));
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}

export async function openSenders(target: PublishTarget): Promise<MessageSender[]> {
  const senders: MessageSender[] = [];
  for (let i = 0; i < target.connections; i++) {
    if (target.kind === 'bare-http') {
      senders.push(new BareHttpSender(target.host, target.port));
      continue;
    }
    const conn = await createConnection({ host: target.host, port: target.port, user: 'root', password: target.password, database: 'CometQL_v1', connectTimeout: 10_000 });
    senders.push(new CometqlSender(conn));
  }
  return senders;
}
