// The embedded store's schema: the tables and columns of db.sql in SQLite types (STRICT tables),
// with `seq` as the rowid of the two message tables so rows read back in insertion order.

/** Bumped when the layout changes; a newer file than this build understands is refused. */
export const SQLITE_SCHEMA_VERSION = 1;

export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS users_auth (
  dev_id INTEGER NOT NULL, user_id INTEGER NOT NULL, hash TEXT DEFAULT '',
  PRIMARY KEY (dev_id, user_id)
) STRICT;
CREATE TABLE IF NOT EXISTS users_time (
  dev_id INTEGER NOT NULL, user_id INTEGER NOT NULL, time INTEGER DEFAULT 0,
  PRIMARY KEY (dev_id, user_id)
) STRICT;
CREATE TABLE IF NOT EXISTS users_messages (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, time INTEGER NOT NULL, dev_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL, event TEXT DEFAULT '', message TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS users_messages_dev_user ON users_messages (dev_id, user_id);
CREATE TABLE IF NOT EXISTS pipes_settings (
  dev_id INTEGER NOT NULL, name TEXT NOT NULL, type TEXT DEFAULT '', length INTEGER DEFAULT 0,
  PRIMARY KEY (dev_id, name)
) STRICT;
CREATE TABLE IF NOT EXISTS pipe_messages (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, time INTEGER NOT NULL, dev_id INTEGER NOT NULL,
  pipe_name TEXT NOT NULL, event TEXT NOT NULL DEFAULT '', message TEXT, user_id INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX IF NOT EXISTS pipe_messages_dev_pipe ON pipe_messages (dev_id, pipe_name);
CREATE TABLE IF NOT EXISTS users_data (
  dev_id INTEGER NOT NULL, user_id INTEGER NOT NULL, data TEXT DEFAULT '',
  PRIMARY KEY (dev_id, user_id)
) STRICT;
CREATE TABLE IF NOT EXISTS revoked_tokens (
  dev_id INTEGER NOT NULL, token TEXT NOT NULL, time INTEGER DEFAULT 0,
  PRIMARY KEY (dev_id, token)
) STRICT;
CREATE TABLE IF NOT EXISTS log_query (id INTEGER PRIMARY KEY, dev_id INTEGER DEFAULT 0, query TEXT DEFAULT '') STRICT;
CREATE TABLE IF NOT EXISTS log_event (id INTEGER PRIMARY KEY, text TEXT DEFAULT '') STRICT;
CREATE TABLE IF NOT EXISTS dev_config (
  id INTEGER PRIMARY KEY, key TEXT DEFAULT '', url TEXT DEFAULT '*', active_time INTEGER DEFAULT 0
) STRICT;
CREATE TABLE IF NOT EXISTS conference (
  dev_id INTEGER NOT NULL, name TEXT NOT NULL, user_id INTEGER NOT NULL, caller_id INTEGER NOT NULL,
  message TEXT DEFAULT '', profile TEXT DEFAULT '', stream TEXT DEFAULT '', node TEXT DEFAULT '0',
  time INTEGER DEFAULT 0,
  PRIMARY KEY (dev_id, name, user_id)
) STRICT;
`;

/** One statement per WriteOp kind; the append inserts are no-ops when the id is already stored. */
export const SQLITE_STATEMENTS = {
  authPut: 'INSERT OR REPLACE INTO users_auth (dev_id, user_id, hash) VALUES (?, ?, ?)',
  authDelete: 'DELETE FROM users_auth WHERE dev_id = ? AND user_id = ?',
  userDataPut: 'INSERT OR REPLACE INTO users_data (dev_id, user_id, data) VALUES (?, ?, ?)',
  userDataDelete: 'DELETE FROM users_data WHERE dev_id = ? AND user_id = ?',
  revokedPut: 'INSERT OR REPLACE INTO revoked_tokens (dev_id, token, time) VALUES (?, ?, ?)',
  revokedDelete: 'DELETE FROM revoked_tokens WHERE dev_id = ? AND token = ?',
  settingsPut: "INSERT OR REPLACE INTO pipes_settings (dev_id, name, type, length) VALUES (?, ?, '0', ?)",
  settingsDelete: 'DELETE FROM pipes_settings WHERE dev_id = ? AND name = ?',
  historyAppend:
    'INSERT INTO pipe_messages (id, time, dev_id, pipe_name, event, message, user_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
  historyDeletePipe: 'DELETE FROM pipe_messages WHERE dev_id = ? AND pipe_name = ?',
  historyDeleteId: 'DELETE FROM pipe_messages WHERE dev_id = ? AND id = ?',
  queueAppend:
    'INSERT INTO users_messages (id, time, dev_id, user_id, event, message) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
  queueDeleteId: 'DELETE FROM users_messages WHERE dev_id = ? AND id = ?',
  userTimePut: 'INSERT OR REPLACE INTO users_time (dev_id, user_id, time) VALUES (?, ?, ?)',
  queryLogAppend: 'INSERT INTO log_query (dev_id, query) VALUES (?, ?)',
  eventAppend: 'INSERT INTO log_event (text) VALUES (?)',
} as const;

export const SQLITE_LOAD = {
  auth: 'SELECT dev_id, user_id, hash FROM users_auth',
  userData: 'SELECT dev_id, user_id, data FROM users_data',
  revoked: 'SELECT dev_id, token FROM revoked_tokens',
  pipeSettings: 'SELECT dev_id, name, length FROM pipes_settings',
  history: 'SELECT id, time, dev_id, pipe_name, event, message, user_id FROM pipe_messages ORDER BY seq',
  queue: 'SELECT id, time, dev_id, user_id, event, message FROM users_messages ORDER BY seq',
  userTime: 'SELECT dev_id, user_id, time FROM users_time',
} as const;
