// Test helpers for the CometQL port: a raw MySQL-protocol client (independent of the server's
// codec, for byte-level checks), a scripted engine for listener unit tests, and runners for the
// real command-line clients (mariadb CLI, PHP mysqli, PyMySQL).
import { connect, type Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { ok, rows, fail, type CometqlEngine, type CometqlSession, type PreparedStatement, type QueryResult } from '../../src/cometql/result.js';
import { SqlErrors, type SqlError } from '../../src/errors.js';
import { VERSION_COMMENT } from '../../src/version.js';

// ---------------------------------------------------------------------------------------------
// Raw client

export interface RawPacket {
  readonly seq: number;
  readonly payload: Buffer;
}

export interface RawGreeting {
  readonly protocol: number;
  readonly serverVersion: string;
  readonly connectionId: number;
  readonly scramble: Buffer;
  readonly capabilities: number;
  readonly charset: number;
  readonly status: number;
  readonly plugin: string;
  readonly raw: Buffer;
}

export type RawResult =
  | { readonly kind: 'ok'; readonly affectedRows: number; readonly insertId: number; readonly status: number; readonly warnings: number; readonly info: Buffer }
  | { readonly kind: 'err'; readonly errno: number; readonly sqlState: string; readonly message: string }
  | { readonly kind: 'eof'; readonly warnings: number; readonly status: number }
  | { readonly kind: 'rows'; readonly columns: string[]; readonly columnDefs: Buffer[]; readonly rows: string[][]; readonly status: number };

export const CLIENT = {
  LONG_PASSWORD: 0x1,
  CONNECT_WITH_DB: 0x8,
  PROTOCOL_41: 0x200,
  SSL: 0x800,
  SECURE_CONNECTION: 0x8000,
  MULTI_STATEMENTS: 0x10000,
  MULTI_RESULTS: 0x20000,
  PLUGIN_AUTH: 0x80000,
  CONNECT_ATTRS: 0x100000,
  PLUGIN_AUTH_LENENC: 0x200000,
} as const;

export const DEFAULT_CLIENT_CAPS = CLIENT.LONG_PASSWORD | CLIENT.PROTOCOL_41 | CLIENT.SECURE_CONNECTION | CLIENT.MULTI_RESULTS | CLIENT.PLUGIN_AUTH | CLIENT.CONNECT_WITH_DB;

const sha = (alg: string, ...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash(alg)).digest();
const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((v, i) => v ^ b[i]));

export function nativeToken(password: string, scramble: Buffer): Buffer {
  if (!password) return Buffer.alloc(0);
  const s1 = sha('sha1', Buffer.from(password));
  return xor(s1, sha('sha1', scramble, sha('sha1', s1)));
}

export function sha2Token(password: string, scramble: Buffer): Buffer {
  if (!password) return Buffer.alloc(0);
  const s1 = sha('sha256', Buffer.from(password));
  return xor(s1, sha('sha256', sha('sha256', s1), scramble));
}

export function lenenc(n: number): Buffer {
  if (n < 251) return Buffer.from([n]);
  if (n < 0x10000) return Buffer.from([0xfc, n & 0xff, n >> 8]);
  if (n < 0x1000000) return Buffer.from([0xfd, n & 0xff, (n >> 8) & 0xff, n >> 16]);
  const b = Buffer.alloc(9);
  b[0] = 0xfe;
  b.writeBigUInt64LE(BigInt(n), 1);
  return b;
}

export interface LoginOptions {
  readonly user?: string;
  readonly password?: string;
  readonly database?: string | null;
  readonly plugin?: string | null;
  readonly caps?: number;
  /** Use this auth response instead of computing one. */
  readonly authResponse?: Buffer;
}

/** HandshakeResponse41 as a driver would build it. */
export function loginPacket(scramble: Buffer, o: LoginOptions = {}): Buffer {
  const database = o.database === undefined ? 'CometQL_v1' : o.database;
  const plugin = o.plugin === undefined ? 'mysql_native_password' : o.plugin;
  let caps = o.caps ?? DEFAULT_CLIENT_CAPS;
  if (database === null) caps &= ~CLIENT.CONNECT_WITH_DB;
  if (plugin === null) caps &= ~CLIENT.PLUGIN_AUTH;
  const password = o.password ?? 'CometQLPassword';
  const auth = o.authResponse ?? (plugin === 'caching_sha2_password' ? sha2Token(password, scramble) : nativeToken(password, scramble));
  const head = Buffer.alloc(32);
  head.writeUInt32LE(caps >>> 0, 0);
  head.writeUInt32LE(16 * 1024 * 1024, 4);
  head[8] = 33;
  const parts: Buffer[] = [head, Buffer.from(`${o.user ?? 'root'}\0`)];
  if (caps & CLIENT.PLUGIN_AUTH_LENENC) parts.push(lenenc(auth.length), auth);
  else parts.push(Buffer.from([auth.length]), auth);
  if (caps & CLIENT.CONNECT_WITH_DB) parts.push(Buffer.from(`${database ?? ''}\0`));
  if (caps & CLIENT.PLUGIN_AUTH) parts.push(Buffer.from(`${plugin}\0`));
  return Buffer.concat(parts);
}

export function frame(payload: Buffer, seq: number): Buffer {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq & 0xff;
  return Buffer.concat([h, payload]);
}

export function commandPacket(command: number, body: Buffer | string = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.from([command]), typeof body === 'string' ? Buffer.from(body) : body]);
}

function readLenenc(b: Buffer, o: number): [number, number] {
  const f = b[o];
  if (f < 251) return [f, o + 1];
  if (f === 0xfc) return [b.readUInt16LE(o + 1), o + 3];
  if (f === 0xfd) return [b.readUIntLE(o + 1, 3), o + 4];
  return [Number(b.readBigUInt64LE(o + 1)), o + 9];
}

function readLenencText(b: Buffer, o: number): [string, number] {
  const [n, p] = readLenenc(b, o);
  return [b.subarray(p, p + n).toString('utf8'), p + n];
}

export function parseOkPayload(p: Buffer): Extract<RawResult, { kind: 'ok' }> {
  const [affectedRows, o1] = readLenenc(p, 1);
  const [insertId, o2] = readLenenc(p, o1);
  return { kind: 'ok', affectedRows, insertId, status: p.readUInt16LE(o2), warnings: p.readUInt16LE(o2 + 2), info: p.subarray(o2 + 4) };
}

export function parseErrPayload(p: Buffer): Extract<RawResult, { kind: 'err' }> {
  return { kind: 'err', errno: p.readUInt16LE(1), sqlState: p.subarray(4, 9).toString(), message: p.subarray(9).toString() };
}

const isEof = (p: Buffer) => p[0] === 0xfe && p.length < 9;

export class RawMysqlClient {
  greeting!: RawGreeting;
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private closedFlag = false;
  private readonly closedPromise: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake?.();
    });
    this.closedPromise = new Promise((resolve) =>
      socket.once('close', () => {
        this.closedFlag = true;
        this.wake?.();
        resolve();
      }),
    );
    socket.on('error', () => undefined);
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<RawMysqlClient> {
    const socket = connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const c = new RawMysqlClient(socket);
    const g = (await c.readPacket()).payload;
    const vEnd = g.indexOf(0, 1);
    let o = vEnd + 1;
    const connectionId = g.readUInt32LE(o);
    o += 4;
    const s1 = g.subarray(o, o + 8);
    o += 9;
    const capsLow = g.readUInt16LE(o);
    const charset = g[o + 2];
    const status = g.readUInt16LE(o + 3);
    const capsHigh = g.readUInt16LE(o + 5);
    o += 7 + 1 + 10;
    const s2 = g.subarray(o, o + 12);
    o += 13;
    c.greeting = {
      protocol: g[0],
      serverVersion: g.subarray(1, vEnd).toString(),
      connectionId,
      scramble: Buffer.concat([s1, s2]),
      capabilities: (capsLow | (capsHigh << 16)) >>> 0,
      charset,
      status,
      plugin: g.subarray(o, g.indexOf(0, o)).toString(),
      raw: g,
    };
    return c;
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  /** Next payload from the server (continuation packets of 0xffffff bytes joined); rejects on close or after ms. */
  async readPacket(ms = 5000): Promise<RawPacket> {
    const first = await this.readPhysicalPacket(ms);
    if (first.payload.length < 0xffffff) return first;
    const parts = [first.payload];
    let last = first;
    while (last.payload.length === 0xffffff) {
      last = await this.readPhysicalPacket(ms);
      parts.push(last.payload);
    }
    return { seq: last.seq, payload: Buffer.concat(parts) };
  }

  private async readPhysicalPacket(ms: number): Promise<RawPacket> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.buffer.length >= 4) {
        const len = this.buffer.readUIntLE(0, 3);
        if (this.buffer.length >= 4 + len) {
          const packet = { seq: this.buffer[3], payload: this.buffer.subarray(4, 4 + len) };
          this.buffer = this.buffer.subarray(4 + len);
          return packet;
        }
      }
      if (this.closedFlag) throw new Error('connection closed by the server');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no packet within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          this.wake = null;
          resolve();
        };
      });
    }
  }

  /** True when nothing arrives before the server answers a following COM_PING (no timing needed). */
  async nothingPendingBeforePing(): Promise<boolean> {
    this.send(commandPacket(0x0e), 0);
    const p = await this.readPacket();
    return p.payload[0] === 0x00 && p.seq === 1;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  send(payload: Buffer, seq: number): void {
    this.socket.write(frame(payload, seq));
  }

  /** Send a command (sequence 0) and read one whole response. */
  async command(payload: Buffer, binary = false): Promise<RawResult> {
    this.send(payload, 0);
    return this.readResult(binary);
  }

  async query(sql: string): Promise<RawResult> {
    return this.command(commandPacket(0x03, sql));
  }

  /** Log in with the greeting's scramble; returns the first answer packet. */
  async login(o: LoginOptions = {}): Promise<RawPacket> {
    this.send(loginPacket(this.greeting.scramble, o), 1);
    return this.readPacket();
  }

  /** One response: OK, ERR, EOF, or a whole result set (text or binary rows). */
  async readResult(binary = false): Promise<RawResult> {
    const first = (await this.readPacket()).payload;
    if (first[0] === 0x00) return parseOkPayload(first);
    if (first[0] === 0xff) return parseErrPayload(first);
    if (isEof(first)) return { kind: 'eof', warnings: first.readUInt16LE(1), status: first.readUInt16LE(3) };
    const [count] = readLenenc(first, 0);
    const columnDefs: Buffer[] = [];
    const columns: string[] = [];
    for (let i = 0; i < count; i++) {
      const def = (await this.readPacket()).payload;
      columnDefs.push(def);
      let o = 0;
      for (let f = 0; f < 4; f++) o = readLenencText(def, o)[1];
      columns.push(readLenencText(def, o)[0]);
    }
    const eof = (await this.readPacket()).payload;
    if (!isEof(eof)) throw new Error(`expected EOF after column definitions, got ${eof.toString('hex')}`);
    const data: string[][] = [];
    for (;;) {
      const p = (await this.readPacket()).payload;
      if (isEof(p)) return { kind: 'rows', columns, columnDefs, rows: data, status: p.readUInt16LE(3) };
      if (p[0] === 0xff) throw new Error(`ERR inside a result set: ${parseErrPayload(p).message}`);
      let o = binary ? 1 + ((count + 9) >> 3) : 0;
      const row: string[] = [];
      for (let i = 0; i < count; i++) {
        const [v, next] = readLenencText(p, o);
        row.push(v);
        o = next;
      }
      data.push(row);
    }
  }

  /** Resolves when the server has closed the connection. */
  closed(): Promise<void> {
    return this.closedPromise;
  }

  end(): void {
    this.socket.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// A scripted engine for listener unit tests (the real engine is tested elsewhere): a handful of
// fixed statements, enough to observe what the wire layer does with each kind of result.

export const TEST_TABLES = ['pipes_messages', 'pipes', 'users_in_pipes', 'pipes_settings', 'users_messages', 'users_auth', 'users_time'];

export class ScriptedEngine implements CometqlEngine {
  readonly queries: string[] = [];
  readonly executions: Array<ReadonlyArray<string | null>> = [];

  async query(session: CometqlSession, sql: string): Promise<QueryResult[]> {
    this.queries.push(sql);
    const statements = sql.split(';').map((s) => s.trim()).filter((s) => s.length > 0);
    if (statements.length === 0) return [ok()];
    if (statements.length > 1 && !session.multiStatements) return [fail(SqlErrors.syntax)];
    const out: QueryResult[] = [];
    for (const s of statements) {
      const r = await this.run(session, s);
      out.push(r);
      if (r.kind === 'error') break;
    }
    return out;
  }

  private async run(session: CometqlSession, s: string): Promise<QueryResult> {
    const lower = s.toLowerCase();
    if (lower === 'show databases') return rows(['Database'], [['CometQL_v1']]);
    if (lower === 'show tables') return rows(['Tables'], TEST_TABLES.map((t) => [t]));
    if (lower === 'select database()') return rows(['DATABASE()'], [[session.database]]);
    if (lower === 'select dev_id') return rows(['dev_id'], [[String(session.devId)]]);
    if (lower === 'select 1') return rows(['1'], [['1']]);
    if (lower.startsWith('select @@')) return rows([s.slice(7).split(' ')[0]], [[VERSION_COMMENT]]);
    if (lower.startsWith('echo ')) return rows(['echo'], [[s.slice(5)]]);
    if (lower.startsWith('big ')) return rows(['big'], [['x'.repeat(Number(s.slice(4)))]]);
    if (lower.startsWith('insert')) return ok(1, 70000);
    if (lower.startsWith('delete')) return ok(0, 0);
    if (lower.startsWith('set ') || lower === 'commit' || lower === 'rollback') return ok();
    if (lower.startsWith('use ')) {
      const err = this.selectDatabase(session, s.slice(4).trim());
      return err ? fail(err) : ok();
    }
    if (lower === 'throw') throw new Error('scripted engine failure');
    if (lower === 'yield') {
      await new Promise((r) => setImmediate(r));
      return rows(['yielded'], [['yes']]);
    }
    return fail(SqlErrors.syntax);
  }

  prepare(_session: CometqlSession, sql: string): PreparedStatement | SqlError {
    if (!/^\s*(select|insert)\b/i.test(sql)) return SqlErrors.syntax;
    const paramCount = (sql.match(/\?/g) ?? []).length;
    const isSelect = /^\s*select/i.test(sql);
    const columns = isSelect ? (paramCount > 0 ? Array.from({ length: paramCount }, (_, i) => `p${i}`) : ['v']) : null;
    return {
      paramCount,
      columns,
      execute: async (_s, params) => {
        this.executions.push(params);
        if (!isSelect) return ok(1, 0);
        return rows(columns!, [paramCount > 0 ? params.map((p) => (p === null ? 'NULL' : p)) : ['1']]);
      },
    };
  }

  selectDatabase(session: CometqlSession, name: string): SqlError | null {
    if (name === 'CometQL_v1') {
      session.database = name;
      return null;
    }
    const m = /^db_([0-9]+)/.exec(name);
    if (m && session.authenticated && Number(m[1]) < 100000) {
      session.devId = Number(m[1]);
      session.database = name;
      return null;
    }
    return SqlErrors.selectDatabase;
  }
}

// ---------------------------------------------------------------------------------------------
// Command-line clients

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: readonly string[], timeoutMs = 20000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The MariaDB/MySQL command-line client (batch mode, tab-separated output). */
export function mariadb(port: number, args: readonly string[], password = 'CometQLPassword'): Promise<RunResult> {
  return run('mariadb', ['-h', '127.0.0.1', '-P', String(port), `-p${password}`, '--batch', ...args]);
}

/** PHP with mysqli; the script gets $port and $password. */
export function php(port: number, script: string, password = 'CometQLPassword'): Promise<RunResult> {
  return run('php', ['-d', 'display_errors=stderr', '-r', `$port = ${port}; $password = ${JSON.stringify(password)}; ${script}`]);
}

/** /usr/bin/python3 with PyMySQL; the script gets `port` and `password`. */
export function python(port: number, script: string, password = 'CometQLPassword'): Promise<RunResult> {
  return run('/usr/bin/python3', ['-c', `port = ${port}\npassword = ${JSON.stringify(password)}\n${script}`]);
}
