// pino logging with CppComet's [log] levels: one global level and per-subsystem ("tag") levels.
import { pino, type Logger } from 'pino';
import type { Config, LogLevelName } from './config/config.js';

export type { Logger };

export interface LogSystem {
  readonly root: Logger;
  /** A child logger for one subsystem (upstream tag name, e.g. MySqlServer, ClientServer). */
  child(subsystem: string): Logger;
  /** Re-apply levels (SIGHUP). */
  apply(config: Config['log']): void;
}

export function createLogSystem(config: Config['log'], destination: NodeJS.WritableStream = process.stdout): LogSystem {
  const root = pino({ level: config.level === 'silent' ? 'silent' : config.level, base: { pid: process.pid } }, destination as pino.DestinationStream);
  const children = new Map<string, Logger>();
  let current = config;
  const levelFor = (subsystem: string): LogLevelName => current.tags.get(subsystem) ?? current.level;
  return {
    root,
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
