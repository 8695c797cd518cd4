// The Storage implementations the storage tests run against: SQLite always (a temp file),
// MySQL/MariaDB when TSCOMET_TEST_MYSQL=mysql://user:pass@host:port/db is set.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import mysql from 'mysql2/promise';
import type { Storage } from '../../src/storage/storage.js';
import { SqliteStorage } from '../../src/storage/sqlite.js';
import { MysqlStorage } from '../../src/storage/mysql.js';

export const silentLog = pino({ level: 'silent' });

/** Log lines kept in memory, for asserting what was (and was not) logged. */
export class CaptureLog {
  readonly lines: Array<{ level: 'info' | 'warn' | 'error'; msg: string; details: Record<string, unknown> }> = [];
  info(details: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'info', msg, details });
  }
  warn(details: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'warn', msg, details });
  }
  error(details: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'error', msg, details });
  }
  child(): CaptureLog {
    return this;
  }
  count(level: 'info' | 'warn' | 'error', pattern: RegExp): number {
    return this.lines.filter((l) => l.level === level && pattern.test(l.msg)).length;
  }
  text(): string {
    return this.lines.map((l) => `${l.level} ${l.msg} ${JSON.stringify(l.details)}`).join('\n');
  }
}

export interface StorageSubject {
  readonly name: string;
  /** A new, opened instance on the subject's data (what a restarted server would see). */
  open(): Promise<Storage>;
  /** Empty every table. */
  reset(): Promise<void>;
  cleanup(): Promise<void>;
}

export function sqliteSubject(): StorageSubject {
  const dir = mkdtempSync(join(tmpdir(), 'tscomet-storage-'));
  const path = join(dir, 'nested', 'store.sqlite'); // parent directory is created on open
  return {
    name: 'sqlite',
    async open() {
      const s = new SqliteStorage({ path, nodeName: 'test', log: silentLog });
      await s.open();
      return s;
    },
    async reset() {
      rmSync(join(dir, 'nested'), { recursive: true, force: true });
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function mysqlTarget(): MysqlTarget | undefined {
  const raw = process.env.TSCOMET_TEST_MYSQL;
  if (!raw) return undefined;
  const u = new URL(raw);
  return { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: u.pathname.slice(1) };
}

export async function mysqlAdmin<T>(target: MysqlTarget, fn: (c: mysql.Connection) => Promise<T>, database: string | null = target.database): Promise<T> {
  const c = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password, ...(database ? { database } : {}), multipleStatements: true });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export const TSCOMET_TABLES = ['users_auth', 'users_time', 'users_messages', 'pipes_settings', 'pipe_messages', 'users_data', 'revoked_tokens', 'log_query', 'log_event'];

export function mysqlSubject(target: MysqlTarget): StorageSubject {
  return {
    name: 'mysql',
    async open() {
      const s = new MysqlStorage({ ...target, connectionAttempts: 1, maxStoredMessage: 65535, nodeName: 'test', log: silentLog, retryIntervalMs: 10 });
      await s.open();
      return s;
    },
    async reset() {
      await mysqlAdmin(target, async (c) => {
        for (const t of TSCOMET_TABLES) await c.query(`DELETE FROM \`${t}\``);
      });
    },
    async cleanup() {},
  };
}

export function subjects(): StorageSubject[] {
  const target = mysqlTarget();
  return target ? [sqliteSubject(), mysqlSubject(target)] : [sqliteSubject()];
}
