// pino logging with CppComet's [log] levels: one global level and per-subsystem ("tag") levels.
import { pino, type Logger } from 'pino';
import type { Config, LogLevelName } from './config/config.js';

export type { Logger };

export interface LogSystem {
  readonly root: Logger;
  /** A child logger for one subsystem (upstream tag name, e.g. MySqlServer, ClientServer). */
  child(subsystem: string): Logger;
  /**
   * Startup and shutdown lines (config, store, ports, ready, stopped): printed at info even when
   * `[log] level` is lower (upstream prints "Config file: …" unconditionally); only `level = 0` hides them.
   */
  readonly lifecycle: Logger;
  /** Re-apply levels (SIGHUP). */
  apply(config: Config['log']): void;
}

const LIFECYCLE = 'lifecycle';
const LOUDER_THAN_INFO = new Set<LogLevelName>(['fatal', 'error', 'warn']);

export function createLogSystem(config: Config['log'], destination: NodeJS.WritableStream = process.stdout): LogSystem {
  const root = pino({ level: config.level === 'silent' ? 'silent' : config.level, base: { pid: process.pid } }, destination as pino.DestinationStream);
  const children = new Map<string, Logger>();
  let current = config;
  const levelFor = (subsystem: string): LogLevelName => {
    if (subsystem === LIFECYCLE) return current.level === 'silent' ? 'silent' : LOUDER_THAN_INFO.has(current.level) ? 'info' : current.level;
    return current.tags.get(subsystem) ?? current.level;
  };
  const lifecycle = root.child({ subsystem: LIFECYCLE });
  lifecycle.level = levelFor(LIFECYCLE);
  children.set(LIFECYCLE, lifecycle);
  return {
    root,
    lifecycle,
    child(subsystem: string): Logger {
      let c = children.get(subsystem);
      if (!c) {
        c = root.child({ subsystem });
        children.set(subsystem, c);
      }
      c.level = levelFor(subsystem);
      return c;
    },
    apply(next: Config['log']): void {
      current = next;
      root.level = next.level;
      for (const [name, c] of children) c.level = levelFor(name);
    },
  };
}

/**
 * A warning that repeats once per refused request or connection: logged at most once per interval,
 * with `countField` = how many happened since the last line.
 */
export function throttledWarn(log: Logger, msg: string, countField = 'count', intervalMs = 10_000): (fields: Record<string, unknown>) => void {
  let count = 0;
  let lastLog = 0;
  return (fields) => {
    count++;
    const now = Date.now();
    if (now - lastLog < intervalMs) return;
    lastLog = now;
    log.warn({ ...fields, [countField]: count }, msg);
    count = 0;
  };
}

/**
 * Refused connections of a listener: at the connection cap (the server's 'drop' event) or at the
 * open-file limit (EMFILE/ENFILE accept errors), logged through throttledWarn; other server errors
 * are logged as they come.
 */
export function listenerRefusalLog(log: Logger, listener: string, intervalMs = 10_000): { onDrop: () => void; onError: (err: NodeJS.ErrnoException) => void } {
  const refuse = throttledWarn(log, 'connection limit reached: refusing new connections', 'refused', intervalMs);
  return {
    onDrop: () => refuse({ listener, reason: 'max connections' }),
    onError: (err) => {
      if (err.code === 'EMFILE' || err.code === 'ENFILE') refuse({ listener, reason: err.code });
      else log.error({ err: err.message, listener }, 'listener error');
    },
  };
}
