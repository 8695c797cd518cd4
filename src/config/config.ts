// Typed configuration with upstream's defaults (SERVER.md §1.4) plus TsComet's own keys.
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseIni, type IniFile, type IniSection } from './ini-file.js';

export type LogLevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** PEM certificate and key paths; null = plain text. */
export type TlsFiles = { readonly cert: string; readonly key: string } | null;

export interface ListenerConfig {
  readonly enabled: boolean;
  readonly tls: TlsFiles;
  readonly ip: string;
  readonly port: number;
  readonly backlog: number;
  readonly uptimeTestInterval: number; // seconds, 0 = off
  readonly maxUptime: number; // seconds, 0 = off
  readonly statistics: number;
}

export interface WsConfig extends ListenerConfig {
  /** Origin allow-list; empty = no check (`*`, absent or empty value). */
  readonly allowedOrigins: readonly string[];
  /** Largest accepted inbound WebSocket message (bytes). */
  readonly maxMessageSize: number;
  /** Seconds between WebSocket pings to idle connections (0 = never). */
  readonly pingInterval: number;
  /** Long-poll hold time (seconds) before an empty 200 answer. */
  readonly longPollTimeout: number;
  /** Unsent bytes above which a consumer is dropped as too slow. */
  readonly maxBufferedBytes: number;
  /** Unsent bytes across all WebSocket connections; past it the largest consumers are dropped. */
  readonly maxBufferedBytesTotal: number;
  /** Frames one fragmented inbound message may have. */
  readonly maxFragments: number;
  /** Socket reads buffered while an inbound frame is incomplete. */
  readonly maxBufferedChunks: number;
  /** Pipes one connection may subscribe to (upstream: 32). */
  readonly maxSubscriptions: number;
  /** Registered connections per user that receive private messages (upstream: 16). */
  readonly maxConnectionsPerUser: number;
  /** web_ publishes per connection per second (0 = unlimited). */
  readonly webPublishRate: number;
  /** Subscription changes applied per connection per second; the latest extra list waits (0 = unlimited). */
  readonly subscriptionRate: number;
  /** Seconds allowed for an HTTP request head, so also for a WebSocket handshake request. */
  readonly handshakeTimeout: number;
  /** Long-poll sessions: in total (undefined = the browser connection cap) and per source address (0 = off). */
  readonly maxPollSessions: number | undefined;
  readonly maxPollSessionsPerIp: number;
  /** Bytes buffered across all long-poll sessions for their next answers. */
  readonly maxPollBufferedBytes: number;
}

export interface CometqlConfig extends ListenerConfig {
  readonly maxQuerySize: number; // upstream: 9000 (queries >= this are rejected)
  readonly decodeEscapes: boolean;
  /** Pre-auth bounds (TsComet): seconds to log in, largest login packet, unauthenticated connections held. */
  readonly loginTimeout: number;
  readonly maxLoginPacketSize: number;
  readonly maxPreauthConnections: number;
}

export type DbConfig =
  | { readonly driver: 'sqlite'; readonly path: string }
  | {
      readonly driver: 'mysql';
      readonly host: string;
      readonly port: number;
      readonly user: string;
      readonly password: string;
      readonly name: string;
      readonly connectionAttempts: number;
      readonly maxStoredMessage: number;
    };

export interface Config {
  readonly file: string;
  readonly main: {
    readonly password: string;
    readonly nodeName: string;
    readonly useQueryLoger: boolean;
    readonly sendUserOnlineEvents: boolean;
    readonly sendUserOfflineEvents: boolean;
    readonly saveUsersLastOnlineTime: boolean;
    readonly pidfile: string;
    readonly baseDir: string;
    readonly devIndexSize: number;
    /** Offline queue bounds (ruling 4): per-user cap and maximum age in seconds. */
    readonly userQueueMax: number;
    readonly userQueueTtl: number;
  };
  readonly db: DbConfig;
  readonly ws: WsConfig;
  readonly cometql: CometqlConfig;
  /** TsComet's admin HTTP listener (/metrics, /health, /ready); off unless [admin] port is set. */
  readonly admin: { readonly enabled: boolean; readonly ip: string; readonly port: number };
  readonly contentTypes: ReadonlyMap<string, string>;
  readonly log: { readonly level: LogLevelName; readonly tags: ReadonlyMap<string, LogLevelName> };
  readonly warnings: readonly string[];
}

export class ConfigError extends Error {
  readonly code = 'TSCOMET_CONFIG';
}

/** C `stoi`: leading whitespace, optional sign, digits; garbage after them ignored. */
export function cInt(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^\s*([+-]?\d+)/.exec(value);
  return m ? Number.parseInt(m[1], 10) : fallback;
}

/** Upstream bool: exactly true/True/TRUE. */
export function cBool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value === 'true' || value === 'True' || value === 'TRUE';
}

/** Upstream numeric log levels (100 critical … 500 debug, 600 everything) onto pino levels. */
export function logLevelFromUpstream(level: number): LogLevelName {
  if (level <= 0) return 'silent';
  if (level < 200) return 'fatal';
  if (level < 300) return 'error';
  if (level < 400) return 'warn';
  if (level < 500) return 'info';
  if (level < 600) return 'debug';
  return 'trace';
}

const KNOWN_KEYS: Record<string, readonly string[]> = {
  main: ['password', 'node_name', 'useQueryLoger', 'send_user_online_events', 'send_user_offline_events',
    'save_users_last_online_time', 'pidfile', 'base_dir', 'buf_size', 'answer_buf_size', 'fragment_buf_size',
    'fragment_buf_max_size', 'dev_index_size', 'api_version', 'isTest', 'user_queue_max', 'user_queue_ttl'],
  db: ['host', 'port', 'user', 'password', 'name', 'connection_attempts', 'buf_size', 'driver', 'path'],
  ws: ['thread_num', 'ip', 'port', 'backlog', 'epoll_size', 'statistics', 'benchmark', 'uptimeTestInterval',
    'maxUptime', 'cluster', 'host', 'buf_size', 'max_message_size', 'ping_interval', 'long_poll_timeout', 'ssl_cert', 'ssl_key',
    'max_buffered_bytes', 'max_subscriptions', 'max_connections_per_user', 'web_publish_rate', 'subscription_rate', 'handshake_timeout',
    'max_buffered_bytes_total', 'max_fragments', 'max_buffered_chunks', 'max_poll_sessions', 'max_poll_sessions_per_ip',
    'max_poll_buffered_bytes'],
  cometql: ['thread_num', 'ip', 'port', 'backlog', 'epoll_size', 'statistics', 'benchmark', 'uptimeTestInterval',
    'maxUptime', 'buf_size', 'max_query_size', 'decode_escapes', 'ssl_cert', 'ssl_key', 'login_timeout', 'max_login_packet_size',
    'max_preauth_connections'],
  cometqlproxy: ['thread_num', 'ip', 'port', 'backlog', 'epoll_size', 'statistics', 'uptimeTestInterval', 'maxUptime', 'cluster'],
  freeswitch: ['thread_num', 'ip', 'port', 'backlog', 'epoll_size', 'statistics', 'uptimeTestInterval', 'maxUptime'],
  statistics: ['to_log', 'allow', 'interval', 'email', 'host', 'profiler'],
  benchmark: ['to_log'],
  http: ['base_dir'],
  sip: ['pipesalt', 'port', 'freeswitch'],
  cluster: [],
  admin: ['ip', 'port'],
};

function section(ini: IniFile, name: string): IniSection {
  return ini.sections.get(name) ?? { values: new Map(), lists: new Map() };
}

function listener(s: IniSection, defaultPort: number, baseDir: string): ListenerConfig {
  const v = s.values;
  const cert = v.get('ssl_cert');
  const key = v.get('ssl_key');
  if ((cert && !key) || (!cert && key)) throw new ConfigError('ssl_cert and ssl_key must be set together');
  return {
    enabled: cInt(v.get('thread_num'), 0) !== 0,
    tls: cert && key ? { cert: resolve(baseDir, cert), key: resolve(baseDir, key) } : null,
    ip: v.get('ip') || '0.0.0.0',
    port: cInt(v.get('port'), defaultPort),
    backlog: cInt(v.get('backlog'), 1024),
    uptimeTestInterval: Math.max(0, cInt(v.get('uptimeTestInterval'), 0)),
    maxUptime: Math.max(0, cInt(v.get('maxUptime'), 0)),
    statistics: Math.max(0, cInt(v.get('statistics') ?? v.get('benchmark'), 0)),
  };
}

/** Build the typed config from parsed ini text. `baseDir` resolves relative paths. */
export function buildConfig(ini: IniFile, file: string, baseDir = process.cwd()): Config {
  const warnings = [...ini.warnings];
  for (const [name, s] of ini.sections) {
    const known = KNOWN_KEYS[name];
    if (!known) {
      if (name !== 'content-type' && name !== 'log') warnings.push(`unknown section [${name}] ignored`);
      continue;
    }
    for (const key of s.values.keys()) if (!known.includes(key)) warnings.push(`unknown key [${name}] ${key} ignored`);
  }
  const main = section(ini, 'main').values;
  const password = main.get('password') ?? 'password';
  if (!main.has('password')) warnings.push('[main] password is not set: the default "password" is in use; set one');
  else if (password === '') warnings.push('[main] password is empty: CometQL accepts logins without a password');
  for (const key of ['useQueryLoger', 'send_user_online_events', 'send_user_offline_events', 'save_users_last_online_time']) {
    const v = main.get(key);
    if (v !== undefined && !/^(true|false)$/i.test(v)) warnings.push(`[main] ${key} = ${v} is read as false (only true/True/TRUE mean true)`);
  }
  const dbSection = ini.sections.get('db');
  let db: DbConfig;
  const dbv = dbSection?.values;
  if (!dbv || dbv.get('driver') === 'sqlite' || dbv.size === 0) {
    db = { driver: 'sqlite', path: resolve(baseDir, dbv?.get('path') || 'data/tscomet.sqlite') };
  } else {
    for (const key of ['host', 'port', 'user', 'name']) {
      if (!dbv.has(key)) throw new ConfigError(`in section [db] param \`${key}\` is required`);
    }
    db = {
      driver: 'mysql',
      host: dbv.get('host')!,
      port: cInt(dbv.get('port'), 3306),
      user: dbv.get('user')!,
      password: dbv.get('password') ?? '',
      name: dbv.get('name')!,
      connectionAttempts: Math.max(1, cInt(dbv.get('connection_attempts'), 10)),
      maxStoredMessage: Math.max(1, cInt(dbv.get('buf_size'), 65535)),
    };
  }
  const wsS = section(ini, 'ws');
  const hostList = (wsS.values.get('host') ?? '').split(',').map((h) => h.trim()).filter((h) => h.length > 0);
  const ws: WsConfig = {
    ...listener(wsS, 8087, baseDir),
    allowedOrigins: hostList.some((h) => h.startsWith('*') && h.length === 1) || hostList.length === 0 ? [] : hostList,
    maxMessageSize: Math.max(1024, cInt(wsS.values.get('max_message_size') ?? main.get('fragment_buf_max_size'), 103840)),
    pingInterval: Math.max(0, cInt(wsS.values.get('ping_interval'), 30)),
    longPollTimeout: Math.max(1, cInt(wsS.values.get('long_poll_timeout'), 25)),
    maxBufferedBytes: Math.max(65536, cInt(wsS.values.get('max_buffered_bytes'), 8 * 1024 * 1024)),
    maxBufferedBytesTotal: Math.max(1024 * 1024, cInt(wsS.values.get('max_buffered_bytes_total'), 256 * 1024 * 1024)),
    maxFragments: Math.max(1, cInt(wsS.values.get('max_fragments'), 128)),
    maxBufferedChunks: Math.max(16, cInt(wsS.values.get('max_buffered_chunks'), 1024)),
    maxSubscriptions: Math.max(1, cInt(wsS.values.get('max_subscriptions'), 32)),
    maxConnectionsPerUser: Math.max(1, cInt(wsS.values.get('max_connections_per_user'), 16)),
    webPublishRate: Math.max(0, cInt(wsS.values.get('web_publish_rate'), 100)),
    subscriptionRate: Math.max(0, cInt(wsS.values.get('subscription_rate'), 10)),
    handshakeTimeout: Math.max(1, cInt(wsS.values.get('handshake_timeout'), 10)),
    maxPollSessions: wsS.values.has('max_poll_sessions') ? Math.max(1, cInt(wsS.values.get('max_poll_sessions'), 1)) : undefined,
    maxPollSessionsPerIp: Math.max(0, cInt(wsS.values.get('max_poll_sessions_per_ip'), 256)),
    maxPollBufferedBytes: Math.max(65536, cInt(wsS.values.get('max_poll_buffered_bytes'), 128 * 1024 * 1024)),
  };
  const cqS = section(ini, 'cometql');
  const cometql: CometqlConfig = {
    ...listener(cqS, 3300, baseDir),
    maxQuerySize: Math.max(16, cInt(cqS.values.get('max_query_size'), 9000)),
    decodeEscapes: cBool(cqS.values.get('decode_escapes'), false),
    loginTimeout: Math.max(1, cInt(cqS.values.get('login_timeout'), 5)),
    maxLoginPacketSize: Math.max(1024, cInt(cqS.values.get('max_login_packet_size'), 16384)),
    maxPreauthConnections: Math.max(1, cInt(cqS.values.get('max_preauth_connections'), 128)),
  };
  if (!ws.enabled && !cometql.enabled) warnings.push('neither [ws] nor [cometql] has a non-zero thread_num: no listener will start');
  if (section(ini, 'cometqlproxy').values.get('thread_num') && cInt(section(ini, 'cometqlproxy').values.get('thread_num'), 0) !== 0) {
    warnings.push('[cometqlproxy] is not implemented by TsComet (see docs/DESIGN.md, clustering); section ignored');
  }
  if (cInt(section(ini, 'freeswitch').values.get('thread_num'), 0) !== 0) warnings.push('[freeswitch] (video/SIP) is out of scope; listener not started');
  if (wsS.lists.get('cluster')?.length) warnings.push('[ws] cluster lines are not supported (see docs/DESIGN.md); ignored');
  const adminV = section(ini, 'admin').values;
  const admin = { enabled: adminV.has('port'), ip: adminV.get('ip') || '127.0.0.1', port: cInt(adminV.get('port'), 0) };
  const contentTypes = new Map<string, string>(section(ini, 'content-type').values);
  const logS = section(ini, 'log').values;
  const globalLevel = cInt(logS.get('level'), 400);
  const tags = new Map<string, LogLevelName>();
  for (const [k, v] of logS) {
    if (k === 'level') continue;
    tags.set(k === 'benchmark' ? 'statistics' : k, logLevelFromUpstream(Math.min(cInt(v, 0), globalLevel)));
  }
  return {
    file,
    main: {
      password,
      nodeName: main.get('node_name') || 'NoName',
      useQueryLoger: cBool(main.get('useQueryLoger'), false),
      sendUserOnlineEvents: cBool(main.get('send_user_online_events'), true),
      sendUserOfflineEvents: cBool(main.get('send_user_offline_events'), true),
      saveUsersLastOnlineTime: cBool(main.get('save_users_last_online_time'), true),
      pidfile: main.get('pidfile') ?? '',
      baseDir: main.get('base_dir') ?? '',
      devIndexSize: Math.max(1, cInt(main.get('dev_index_size'), 100000)),
      userQueueMax: Math.max(1, cInt(main.get('user_queue_max'), 1000)),
      userQueueTtl: Math.max(0, cInt(main.get('user_queue_ttl'), 86400)),
    },
    db,
    ws,
    cometql,
    admin,
    contentTypes,
    log: { level: logLevelFromUpstream(globalLevel), tags },
    warnings,
  };
}

/** Find and read the config file (SERVER.md §1.1); throws ConfigError with a clear message. */
export function loadConfig(explicitPath: string | undefined): Config {
  let file = explicitPath;
  if (!file) {
    if (existsSync('/etc/comet-server/comet.ini')) file = '/etc/comet-server/comet.ini';
    else if (existsSync('comet.ini')) file = 'comet.ini';
    else throw new ConfigError('no configuration file: pass -c FILE (or --conf FILE), or create ./comet.ini');
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read configuration file ${file}: ${(err as Error).message}`);
  }
  return buildConfig(parseIni(text), resolve(file));
}
