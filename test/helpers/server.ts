// Test harness: spawn the built daemon (dist/server.js) with a temporary comet.ini on free
// ports and the store chosen by TSCOMET_TEST_STORE (sqlite | mysql), read its ready line.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export const TEST_PASSWORD = 'CometQLPassword';
export const SERVER_JS = resolve('dist/server.js');

export interface RunningServer {
  readonly wsPort: number;
  readonly cometqlPort: number;
  /** 0 unless the ini enables [admin]. */
  readonly adminPort: number;
  readonly dir: string;
  readonly iniPath: string;
  readonly proc: ChildProcess;
  /** Every log line the server printed so far (parsed JSON where possible). */
  readonly logs: Array<Record<string, unknown>>;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait. */
  kill9(): Promise<void>;
}

export interface StartOptions {
  /** Extra ini text appended after the defaults (later keys win). */
  readonly ini?: string;
  /** Reuse a data directory (restart tests). */
  readonly dir?: string;
  /** Do not clear the MySQL tables first (restart tests). */
  readonly keepData?: boolean;
  readonly store?: 'sqlite' | 'mysql';
  /** Start the daemon with this open-file limit (ulimit -n). */
  readonly nofile?: number;
}

export function testStore(): 'sqlite' | 'mysql' {
  return process.env.TSCOMET_TEST_STORE === 'mysql' ? 'mysql' : 'sqlite';
}

export function mysqlUrl(): URL | null {
  const u = process.env.TSCOMET_TEST_MYSQL;
  return u ? new URL(u) : null;
}

/** The [db] section for the chosen store. */
export function dbSection(store: 'sqlite' | 'mysql', dir: string): string {
  if (store === 'sqlite') return `[db]\ndriver = sqlite\npath = ${join(dir, 'tscomet.sqlite')}\n`;
  const u = mysqlUrl();
  if (!u) throw new Error('TSCOMET_TEST_STORE=mysql needs TSCOMET_TEST_MYSQL');
  return `[db]\nhost = ${u.hostname}\nport = ${u.port || '3306'}\nuser = ${decodeURIComponent(u.username)}\npassword = ${decodeURIComponent(u.password)}\nname = ${u.pathname.slice(1)}\nconnection_attempts = 3\n`;
}

/** Empty every TsComet table of the MySQL test database. */
export async function clearMysql(): Promise<void> {
  const u = mysqlUrl();
  if (!u) return;
  const mysql = await import('mysql2/promise');
  const c = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: u.pathname.slice(1) });
  try {
    const [tables] = await c.query('SHOW TABLES');
    for (const row of tables as Array<Record<string, string>>) await c.query(`DELETE FROM \`${Object.values(row)[0]}\``);
  } finally {
    await c.end();
  }
}

export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const store = opts.store ?? testStore();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'tscomet-test-'));
  if (store === 'mysql' && !opts.keepData) await clearMysql();
  const ini = `[main]\npassword = ${TEST_PASSWORD}\nnode_name = test\n\n${dbSection(store, dir)}\n[ws]\nthread_num = 1\nip = 127.0.0.1\nport = 0\n\n[cometql]\nthread_num = 1\nip = 127.0.0.1\nport = 0\n\n[log]\nlevel = 400\n\n${opts.ini ?? ''}\n`;
  const iniPath = join(dir, 'comet.ini');
  writeFileSync(iniPath, ini);
  const proc = opts.nofile
    ? spawn('/bin/sh', ['-c', `ulimit -n ${opts.nofile} && exec "$0" "$@"`, process.execPath, SERVER_JS, '-c', iniPath], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [SERVER_JS, '-c', iniPath], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = new Promise<{ ws: number; cometql: number; admin: number }>((resolveReady, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.on('line', (line) => {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        rec = { raw: line };
      }
      logs.push(rec);
      if (rec.msg === 'ready') resolveReady({ ws: Number(rec.wsPort ?? 0), cometql: Number(rec.cometqlPort ?? 0), admin: Number(rec.adminPort ?? 0) });
    });
    proc.once('exit', (code) => reject(new Error(`server exited (${code}) before ready: ${stderr}\n${logs.map((l) => JSON.stringify(l)).join('\n')}`)));
  });
  const ports = await ready;
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return {
    wsPort: ports.ws,
    cometqlPort: ports.cometql,
    adminPort: ports.admin,
    dir,
    iniPath,
    proc,
    logs,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const code = await exited;
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
      return code;
    },
    async kill9() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** Resolve after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Wait for an event with a bounded time (no timing assertions: a timeout is a failure). */
export async function within<T>(p: Promise<T>, ms = 5000, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

export { once };
