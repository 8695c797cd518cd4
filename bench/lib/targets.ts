// Starting the two servers under test: the built TsComet daemon with a temporary comet.ini (port 0,
// SQLite in a temp dir, quiet logging) and the bare `ws` broadcast script.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { registerTempDir, removeTempDir } from './children.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PATHS } from './paths.js';
import { TargetProcess } from './target-process.js';
import type { PublishTarget } from './ipc-messages.js';

export type TargetName = 'tscomet' | 'bare-ws';

export const BENCH_PASSWORD = 'BenchCometQLPassword';
const LOOPBACK = '127.0.0.1';

/** Subsystems whose logs would distort the figures; `Any` stays at info for the ready line. */
const QUIET_SUBSYSTEMS = ['ClientServer', 'MySqlServer', 'UserIndex', 'dbLink', 'appConf', 'admin'];

export interface TargetOptions {
  /** Extra node flags for the server process, e.g. --cpu-prof. */
  readonly nodeFlags: readonly string[];
  /** Upstream [log] level for the noisy subsystems (200 = errors only). */
  readonly logLevel: number;
}

export interface Target {
  readonly name: TargetName;
  readonly host: string;
  readonly wsPort: number;
  readonly process: TargetProcess;
  publisher(connections: number): PublishTarget;
  stop(): Promise<void>;
}

export function daemonIni(dir: string, logLevel: number): string {
  const quiet = QUIET_SUBSYSTEMS.map((s) => `${s} = ${logLevel}`).join('\n');
  return `[main]
password = ${BENCH_PASSWORD}
node_name = bench

[db]
driver = sqlite
path = ${join(dir, 'tscomet.sqlite')}

[ws]
thread_num = 1
ip = ${LOOPBACK}
port = 0

[cometql]
thread_num = 1
ip = ${LOOPBACK}
port = 0

[log]
level = 400
${quiet}
`;
}

async function startTsComet(opts: TargetOptions): Promise<Target> {
  if (!existsSync(PATHS.daemon)) throw new Error(`${PATHS.daemon} is missing: run \`npm run build\` first (the bench builds nothing)`);
  const dir = mkdtempSync(join(tmpdir(), 'tscomet-bench-'));
  registerTempDir(dir);
  const ini = join(dir, 'comet.ini');
  writeFileSync(ini, daemonIni(dir, opts.logLevel));
  let proc: TargetProcess;
  try {
    proc = await TargetProcess.spawn({ script: PATHS.daemon, args: ['-c', ini], nodeFlags: opts.nodeFlags, cwd: dir, probeModule: PATHS.probe });
  } catch (err) {
    removeTempDir(dir);
    throw err;
  }
  const cometqlPort = proc.ready.cometqlPort;
  return {
    name: 'tscomet',
    host: LOOPBACK,
    wsPort: proc.ready.wsPort,
    process: proc,
    publisher: (connections) => ({ kind: 'cometql', host: LOOPBACK, port: cometqlPort, password: BENCH_PASSWORD, connections }),
    async stop() {
      await proc.stop();
      removeTempDir(dir);
    },
  };
}

async function startBareWs(opts: TargetOptions): Promise<Target> {
  const proc = await TargetProcess.spawn({ script: PATHS.bareWs, args: [], nodeFlags: opts.nodeFlags, cwd: tmpdir(), probeModule: PATHS.probe });
  const httpPort = proc.ready.httpPort;
  return {
    name: 'bare-ws',
    host: LOOPBACK,
    wsPort: proc.ready.wsPort,
    process: proc,
    publisher: (connections) => ({ kind: 'bare-http', host: LOOPBACK, port: httpPort, connections }),
    stop: () => proc.stop(),
  };
}

export function startTarget(name: TargetName, opts: TargetOptions): Promise<Target> {
  return name === 'tscomet' ? startTsComet(opts) : startBareWs(opts);
}
