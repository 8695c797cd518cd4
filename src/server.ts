#!/usr/bin/env node
// Composition root: config -> logging -> storage -> core -> listeners -> signals.
import { writeFileSync, rmSync } from 'node:fs';
import { parseArgs, HELP } from './cli.js';
import { loadConfig, ConfigError, type Config } from './config/config.js';
import { createLogSystem } from './log.js';
import { CometCore } from './core/comet.js';
import { openStorage } from './storage/open.js';
import { startCometqlListener, type CometqlListener } from './cometql/listener.js';
import { createCometqlEngine } from './cometql/engine.js';
import { startHttpListener, type HttpListener } from './transport/http-listener.js';
import { ListenerStats, ServerStats } from './stats.js';
import { connectionCaps, openFileLimit } from './fd-limit.js';
import { Metrics } from './admin/metrics.js';
import { startAdminListener, type AdminListener } from './admin/admin-listener.js';
import { TSCOMET_VERSION, UPSTREAM_VERSION } from './version.js';

const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${HELP}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.version) {
    process.stdout.write(`TsComet ${TSCOMET_VERSION} (${UPSTREAM_VERSION} compatible)\n`);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig(args.config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tscomet: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const logs = createLogSystem(config.log);
  const log = logs.lifecycle;
  log.info({ config: config.file, version: TSCOMET_VERSION }, 'starting');
  for (const w of config.warnings) logs.child('appConf').warn(w);

  const { storage, sink } = await openStorage(config, logs.child('dbLink'));
  const core = new CometCore({
    password: config.main.password,
    sendUserOnlineEvents: config.main.sendUserOnlineEvents,
    sendUserOfflineEvents: config.main.sendUserOfflineEvents,
    saveUsersLastOnlineTime: config.main.saveUsersLastOnlineTime,
    queue: { maxPerUser: config.main.userQueueMax, ttlSeconds: config.main.userQueueTtl },
    sink,
    log: logs.child('UserIndex'),
    limits: { maxSubscriptions: config.ws.maxSubscriptions, maxConnectionsPerUser: config.ws.maxConnectionsPerUser, webPublishRate: config.ws.webPublishRate, subscriptionRate: config.ws.subscriptionRate },
  });
  core.load(await storage.load());
  sink.start();
  log.info({ store: storage.kind }, 'storage loaded');

  const stats = new ServerStats(new ListenerStats('ws', config.ws.statistics), new ListenerStats('cometql', config.cometql.statistics));
  const fdLimit = openFileLimit();
  const caps = connectionCaps(fdLimit);
  log.info({ openFileLimit: fdLimit ?? 'unknown', maxWsConnections: caps.ws, maxCometqlConnections: caps.cometql }, 'connection caps');
  let http: HttpListener | undefined;
  let cometql: CometqlListener | undefined;
  if (config.ws.enabled) {
    http = await startHttpListener({ config, core, stats: stats.frontend, log: logs.child('ClientServer'), maxConnections: caps.ws });
    log.info({ ip: config.ws.ip, port: http.port }, 'ws listener started');
  }
  // Metrics exist only with the admin listener; the engine then reports every statement to them.
  const metrics = config.admin.enabled ? new Metrics(core, stats, () => sink.stats()) : undefined;
  if (config.cometql.enabled) {
    const observe = metrics ? (table: string, result: string) => metrics.queries.inc({ table: table.slice(0, 32), result }) : undefined;
    const engine = createCometqlEngine({ core, config, stats, sink, storageHealth: () => sink.stats(), log: logs.child('MySqlServer'), observe });
    cometql = await startCometqlListener({
      config: config.cometql,
      password: config.main.password,
      devIndexSize: config.main.devIndexSize,
      engine,
      stats: stats.backend,
      log: logs.child('MySqlServer'),
      maxConnections: caps.cometql,
    });
    log.info({ ip: config.cometql.ip, port: cometql.port }, 'cometql listener started');
  }
  let admin: AdminListener | undefined;
  if (metrics) {
    admin = await startAdminListener({ ip: config.admin.ip, port: config.admin.port, metrics, ready: () => storage.ping(), log: logs.child('admin') });
  }
  if (config.main.pidfile) {
    try {
      writeFileSync(config.main.pidfile, `${process.pid}\n`);
    } catch (err) {
      log.warn({ pidfile: config.main.pidfile, err: (err as Error).message }, 'cannot write pidfile');
    }
  }

  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      const hardStop = setTimeout(() => {
        log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting');
        resolveExit(1);
      }, SHUTDOWN_TIMEOUT_MS);
      hardStop.unref();
      try {
        await http?.stopAccepting();
        await cometql?.close();
        core.closeAll('server shutting down');
        await http?.close();
        await admin?.close();
        await sink.close();
        await storage.close();
        if (config.main.pidfile) rmSync(config.main.pidfile, { force: true });
        log.info({}, 'stopped');
        clearTimeout(hardStop);
        resolveExit(0);
      } catch (err) {
        log.error({ err: (err as Error).message }, 'error during shutdown');
        clearTimeout(hardStop);
        resolveExit(1);
      }
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGHUP', () => {
      try {
        logs.apply(loadConfig(config.file).log);
        log.info({}, 'log levels reloaded');
      } catch (err) {
        log.error({ err: (err as Error).message }, 'SIGHUP: cannot re-read the configuration');
      }
    });
    // Handlers first, then the ready line: a supervisor may signal as soon as it reads it.
    log.info({ wsPort: http?.port ?? 0, cometqlPort: cometql?.port ?? 0, adminPort: admin?.port ?? 0, store: storage.kind }, 'ready');
  });
}

main().then(
  (code) => {
    // Give pino a tick to flush, then exit with the code.
    setImmediate(() => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`tscomet: fatal: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
