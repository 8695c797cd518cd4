// Picks the store named by [db] (embedded SQLite by default, or MySQL), opens it and wraps it in
// the write-behind queue. Each driver is imported only when chosen, so a MySQL deployment does
// not need the native SQLite module to load.
import type { Config } from '../config/config.js';
import type { Logger } from '../log.js';
import type { Storage } from './storage.js';
import { WriteBehind } from './write-behind.js';

export async function openStorage(config: Config, log: Logger): Promise<{ storage: Storage; sink: WriteBehind }> {
  const db = config.db;
  let storage: Storage;
  if (db.driver === 'sqlite') {
    const { SqliteStorage } = await import('./sqlite.js');
    storage = new SqliteStorage({ path: db.path, nodeName: config.main.nodeName, log });
    log.info({ store: 'sqlite', path: db.path }, 'opening the embedded SQLite store');
  } else {
    const { MysqlStorage } = await import('./mysql.js');
    storage = new MysqlStorage({
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      database: db.name,
      connectionAttempts: db.connectionAttempts,
      maxStoredMessage: db.maxStoredMessage,
      nodeName: config.main.nodeName,
      log,
    });
    log.info({ store: 'mysql', host: db.host, port: db.port, user: db.user, database: db.name, attempts: db.connectionAttempts }, 'opening the MySQL store');
  }
  await storage.open();
  return { storage, sink: new WriteBehind(storage, { log }) };
}
