// Test clients that speak exactly what CometServerApi.js v3.25 / v4.08 put on the wire (our own
// code, built from PROTOCOL.md): CometClient over the `ws` package, RawWsSocket over plain TCP
// for byte-level checks (handshake bytes, split/fragmented frames, close without close frame).
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import WebSocket from 'ws';
import mysql from 'mysql2/promise';
import { startServer, TEST_PASSWORD, type RunningServer } from './server.js';

export type ClientVersion = '4.08' | '3.25';

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface Frame {
  readonly text: string;
  /** Parsed JSON (undefined when the text is not JSON). */
  readonly json: any;
}

export interface ConnectOptions {
  readonly port: number;
  readonly host?: string;
  readonly prefix?: string;
  readonly session?: string;
  readonly userId?: number | string;
  readonly devId?: number | string;
  readonly version?: ClientVersion;
  readonly uuid?: string;
  /** Replace everything after the prefix (raw, not encoded). */
  readonly query?: string;
  readonly headers?: Record<string, string>;
  /** Wait for the first frame (serverInfo or a handshake error) before resolving. Default true. */
  readonly waitFirst?: boolean;
}

const UUID_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-';
const DEFAULT_WAIT_MS = 5000;

/** A 32-character uuid like the client library generates. */
export function randomUuid(): string {
  const bytes = randomBytes(32);
  let s = '';
  for (const b of bytes) s += UUID_CHARS[b & 63];
  return s;
}

/** A 10-digit marker like getCustomString(). */
export function randomMarker(): string {
  return String(1_000_000_000 + (randomBytes(4).readUInt32BE(0) % 8_999_999_999)).slice(0, 10);
}

/** The request-target the client library builds (PROTOCOL.md §2.1). */
export function clientPath(o: Omit<ConnectOptions, 'port'>): string {
  const prefix = o.prefix ?? '/ws/';
  if (o.query !== undefined) return prefix + o.query;
  return `${prefix}sesion=${o.session ?? 'undefined'}&myid=${o.userId ?? 'undefined'}&devid=${o.devId ?? 0}&v=${o.version ?? '4.08'}&uuid=${o.uuid ?? randomUuid()}&api=js`;
}

function parse(text: string): Frame {
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { text, json };
}

interface Waiter {
  readonly pred: (f: Frame) => boolean;
  readonly resolve: (f: Frame) => void;
}

/** Frames recorded in arrival order; waitFor() consumes the first unconsumed match. */
class FrameLog {
  readonly all: Frame[] = [];
  private readonly consumed = new Set<number>();
  private waiters: Waiter[] = [];

  push(f: Frame): void {
    const index = this.all.length;
    this.all.push(f);
    for (const w of this.waiters) {
      if (w.pred(f)) {
        this.consumed.add(index);
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(f);
        return;
      }
    }
  }

  waitFor(pred: (f: Frame) => boolean, ms: number, what: string, closed: () => boolean): Promise<Frame> {
    for (let i = 0; i < this.all.length; i++) {
      if (!this.consumed.has(i) && pred(this.all[i])) {
        this.consumed.add(i);
        return Promise.resolve(this.all[i]);
      }
    }
    if (closed()) return Promise.reject(new Error(`connection closed while waiting for ${what}; frames: ${this.dump()}`));
    return new Promise<Frame>((resolve, reject) => {
      const w: Waiter = {
        pred,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}; frames so far: ${this.dump()}`));
      }, ms);
      this.waiters.push(w);
    });
  }

  dump(): string {
    return this.all.map((f) => f.text.slice(0, 300)).join('\n  ');
  }
}

export class CometClient {
  readonly log = new FrameLog();
  readonly path: string;
  /** Resolves with the close code: 1006 = TCP ended without a close frame. */
  readonly closed: Promise<number>;
  private isClosed = false;
  /** Response headers of the 101. */
  upgradeHeaders: Record<string, string | string[] | undefined> = {};

  private constructor(
    readonly ws: WebSocket,
    path: string,
  ) {
    this.path = path;
    ws.on('message', (data: WebSocket.RawData) => this.log.push(parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'))));
    ws.on('upgrade', (res) => (this.upgradeHeaders = res.headers));
    this.closed = new Promise((resolve) =>
      ws.on('close', (code: number) => {
        this.isClosed = true;
        resolve(code);
      }),
    );
    ws.on('error', () => undefined);
  }

  static async connect(o: ConnectOptions): Promise<CometClient> {
    const path = clientPath(o);
    const ws = new WebSocket(`ws://${o.host ?? '127.0.0.1'}:${o.port}${path}`, { perMessageDeflate: false, headers: o.headers, maxPayload: 64 * 1024 * 1024 });
    const client = new CometClient(ws, path);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`unexpected HTTP ${res.statusCode} for ${path}`)));
    });
    if (o.waitFirst !== false) await client.waitFor(() => true, 'the first frame');
    return client;
  }

  get frames(): readonly Frame[] {
    return this.log.all;
  }

  /** The first frame (serverInfo on success). */
  get first(): Frame {
    return this.log.all[0];
  }

  send(text: string): void {
    this.ws.send(text);
  }

  waitFor(pred: (f: Frame) => boolean, what = 'a matching frame', ms = DEFAULT_WAIT_MS): Promise<Frame> {
    return this.log.waitFor(pred, ms, what, () => this.isClosed);
  }

  /** Next unconsumed frame on `pipe` (and `event` when given). */
  waitPipe(pipe: string, event?: string, ms = DEFAULT_WAIT_MS): Promise<Frame> {
    return this.waitFor((f) => f.json?.pipe === pipe && (event === undefined || f.json?.event === event), `pipe ${pipe}${event ? `.${event}` : ''}`, ms);
  }

  /** Frames on a pipe received so far. */
  onPipe(pipe: string): Frame[] {
    return this.log.all.filter((f) => f.json?.pipe === pipe);
  }

  subscribe(...pipes: string[]): void {
    this.send(`subscription\n${pipes.join('\n')}`);
  }

  /**
   * Round-trip barrier: everything the server wrote to this connection before handling this
   * request has arrived when it resolves (frames on one connection keep their order).
   */
  async sync(): Promise<void> {
    const marker = randomMarker();
    this.send(`pipe_count\nweb_sync_barrier\n${marker}\n`);
    await this.waitFor((f) => f.json?.pipe === '_answer_pipe_count' && f.json?.marker === marker, 'the sync barrier reply');
  }

  /** Resolves with the close code once the server ended the connection. */
  async waitClosed(ms = DEFAULT_WAIT_MS): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`connection not closed within ${ms} ms`)), ms)));
    try {
      return await Promise.race([this.closed, t]);
    } finally {
      clearTimeout(timer);
    }
  }

  get isOpen(): boolean {
    return !this.isClosed && this.ws.readyState === WebSocket.OPEN;
  }

  /** Drop the TCP connection (what a browser tab going away looks like to the server). */
  terminate(): void {
    this.ws.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// Raw RFC 6455 client over TCP: exact bytes both ways.

export interface RawFrame {
  readonly fin: boolean;
  readonly opcode: number;
  readonly payload: Buffer;
  /** The complete frame bytes as received. */
  readonly bytes: Buffer;
}

export class RawWsSocket {
  private buffer = Buffer.alloc(0);
  private headDone = false;
  head = '';
  readonly frames: RawFrame[] = [];
  /** True if the server ever sent a close frame (upstream never does). */
  sawCloseFrame = false;
  readonly ended: Promise<void>;
  private listeners: Array<() => void> = [];
  private headWaiter: (() => void) | undefined;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => undefined);
    this.ended = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  /** Connect and send a GET with Upgrade headers (key, extra headers); resolves once the head arrived. */
  static async open(port: number, path: string, opts: { key?: string | null; headers?: Record<string, string>; method?: string } = {}): Promise<RawWsSocket> {
    const socket = netConnect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const raw = new RawWsSocket(socket);
    const key = opts.key === undefined ? 'dGhlIHNhbXBsZSBub25jZQ==' : opts.key;
    let req = `${opts.method ?? 'GET'} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n`;
    if (key !== null) req += `Sec-WebSocket-Key: ${key}\r\n`;
    req += 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n';
    for (const [k, v] of Object.entries(opts.headers ?? {})) req += `${k}: ${v}\r\n`;
    socket.write(`${req}\r\n`);
    await raw.waitHead();
    return raw;
  }

  private waitHead(ms = DEFAULT_WAIT_MS): Promise<void> {
    if (this.headDone) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no HTTP response head')), ms);
      this.headWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
      void this.ended.then(() => {
        if (!this.headDone) {
          this.headDone = true;
          this.head = this.buffer.toString('latin1');
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  get status(): number {
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(this.head)?.[1] ?? 0);
  }

  private onData(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    if (!this.headDone) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      this.head = this.buffer.subarray(0, end + 4).toString('latin1');
      this.buffer = this.buffer.subarray(end + 4);
      this.headDone = true;
      this.headWaiter?.();
      if (this.status !== 101) return; // plain HTTP answer: keep the body in `buffer`
    }
    if (this.status !== 101) return;
    for (;;) {
      const f = parseServerFrame(this.buffer);
      if (!f) break;
      this.buffer = this.buffer.subarray(f.bytes.length);
      if (f.opcode === 0x8) this.sawCloseFrame = true;
      this.frames.push(f);
    }
    for (const l of this.listeners.splice(0)) l();
  }

  /** Body bytes of a non-101 answer. */
  get body(): string {
    return this.buffer.toString('utf8');
  }

  /** Wait until at least n frames arrived. */
  async waitFrames(n: number, ms = DEFAULT_WAIT_MS): Promise<RawFrame[]> {
    const deadline = Date.now() + ms;
    while (this.frames.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${n} frames, got ${this.frames.length}: ${this.frames.map((f) => f.payload.toString()).join(' | ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
        void this.ended.then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (this.socket.destroyed && this.frames.length < n) throw new Error(`closed after ${this.frames.length} of ${n} frames`);
    }
    return this.frames;
  }

  /** Text of the n-th frame (0-based), waiting for it. */
  async text(n: number): Promise<string> {
    await this.waitFrames(n + 1);
    return this.frames[n].payload.toString('utf8');
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  sendText(text: string, opts: { opcode?: number; fin?: boolean; mask?: Buffer } = {}): void {
    this.write(clientFrame(opts.opcode ?? 1, Buffer.from(text, 'utf8'), opts));
  }

  /** Resolves once the server closed the TCP connection; throws after `ms`. */
  async waitEnded(ms = DEFAULT_WAIT_MS): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`TCP not closed within ${ms} ms`)), ms)));
    try {
      await Promise.race([this.ended, t]);
    } finally {
      clearTimeout(timer);
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Build a masked client frame. */
export function clientFrame(opcode: number, payload: Buffer, opts: { fin?: boolean; mask?: Buffer } = {}): Buffer {
  const mask = opts.mask ?? randomBytes(4);
  const len = payload.length;
  const headerLen = len < 126 ? 2 : len <= 0xffff ? 4 : 10;
  const out = Buffer.alloc(headerLen + 4 + len);
  out[0] = (opts.fin === false ? 0 : 0x80) | opcode;
  if (len < 126) out[1] = 0x80 | len;
  else if (len <= 0xffff) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(len), 2);
  }
  mask.copy(out, headerLen);
  for (let i = 0; i < len; i++) out[headerLen + 4 + i] = payload[i] ^ mask[i & 3];
  return out;
}

/** Parse one unmasked server frame from the start of `buf`, or undefined if incomplete. */
export function parseServerFrame(buf: Buffer): RawFrame | undefined {
  if (buf.length < 2) return undefined;
  const fin = (buf[0] & 0x80) !== 0;
  const opcode = buf[0] & 0x0f;
  let len = buf[1] & 0x7f;
  let off = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    off = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    off = 10;
  }
  if ((buf[1] & 0x80) !== 0) throw new Error('server frames must not be masked');
  if (buf.length < off + len) return undefined;
  return { fin, opcode, payload: Buffer.from(buf.subarray(off, off + len)), bytes: Buffer.from(buf.subarray(0, off + len)) };
}

// ---------------------------------------------------------------------------------------------
// What a frame should look like, and what the client libraries make of it (PROTOCOL.md §5).

/** Deep copy with object keys in byte order (upstream's sorted JSON). */
function sortKeys(v: any): any {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}

/** Serialize like upstream (sorted keys) with apostrophes as \u0027 (ruling 3). */
export function upstreamJson(v: unknown): string {
  return JSON.stringify(sortKeys(v)).replace(/'/g, '\\u0027');
}

/** The exact text a client of `version` must receive for the modern message `modern` (§5.4). */
export function expectedText(modern: Record<string, any>, version: ClientVersion): string {
  if (version === '4.08') return upstreamJson(modern);
  const legacy: Record<string, any> = { ...modern, event_name: modern.event, api_data: 'for major_version < 4' };
  if (typeof legacy.authorized === 'boolean') legacy.authorized = legacy.authorized ? 'true' : 'false';
  const d = modern.data;
  if (typeof d !== 'string' && typeof d !== 'number' && modern.pipe !== 'msg') legacy.data = JSON.stringify(sortKeys(d)).replace(/'/g, '\\u0027');
  return upstreamJson(legacy);
}

/** message_send_time of a frame, checked to be a plausible current unix time. */
export function sendTime(f: Frame): number {
  const t = f.json?.message_send_time;
  if (!Number.isInteger(t) || Math.abs(t - Date.now() / 1000) > 120) throw new Error(`implausible message_send_time in ${f.text}`);
  return t as number;
}

/** What a callback of the client library receives for one frame line (PROTOCOL.md §5.1 steps 5-9). */
export function clientView(line: string, version: ClientVersion): { data: any; server_info: { user_id: number; pipe: string; event: string; history: boolean; marker: unknown } } | undefined {
  let msg: any;
  try {
    msg = JSON.parse(line.replace(/\\'/g, "'"));
  } catch {
    return undefined; // the clients drop lines that do not parse
  }
  if (msg.data === undefined) return undefined;
  let data = msg.data;
  if (typeof data === 'string') {
    const attempts = [data, data.replace(/\\'/g, "'"), data.replace(/\\(.)/g, '$1')];
    for (const a of attempts) {
      try {
        data = JSON.parse(a);
        break;
      } catch {
        // next fallback
      }
    }
  }
  const event = version === '3.25' ? msg.event_name : msg.event;
  return { data, server_info: { user_id: msg.user_id || 0, pipe: msg.pipe, event, history: msg.history === true, marker: msg.marker } };
}

// ---------------------------------------------------------------------------------------------
// E2E wiring: the real daemon plus a mysql2 connection to its CometQL port.

export interface E2E {
  readonly server: RunningServer;
  readonly port: number;
  /** CometQL as dev_id 1 (MySQL user `1`), the tenant of PROTOCOL.md §18. */
  readonly sql: mysql.Connection;
  /** Run one CometQL statement (text protocol, values written inline as CometQL expects). */
  q(statement: string): Promise<any>;
  /** Connect a client to dev_id 1 unless told otherwise. */
  client(o: Omit<ConnectOptions, 'port'>): Promise<CometClient>;
  stop(): Promise<void>;
}

export async function openCometql(port: number, dev: number): Promise<mysql.Connection> {
  return mysql.createConnection({ host: '127.0.0.1', port, user: dev === 0 ? 'root' : String(dev), password: TEST_PASSWORD, database: 'CometQL_v1' });
}

export async function startE2E(ini = ''): Promise<E2E> {
  const server = await startServer({ ini });
  const sql = await openCometql(server.cometqlPort, 1);
  const clients: CometClient[] = [];
  return {
    server,
    port: server.wsPort,
    sql,
    async q(statement: string) {
      const [result] = await sql.query(statement);
      return result;
    },
    async client(o) {
      const c = await CometClient.connect({ devId: 1, ...o, port: server.wsPort });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.terminate();
      await sql.end();
      await server.stop();
    },
  };
}
