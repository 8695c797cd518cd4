// Where things are, from the compiled location dist-test/bench/lib/paths.js (the runner builds nothing).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const compiledBenchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(compiledBenchDir, '../..');

export const PATHS = {
  daemon: join(REPO_ROOT, 'dist/server.js'),
  bareWs: join(compiledBenchDir, 'bare-ws-broadcast.js'),
  probe: join(compiledBenchDir, 'lib/memory-probe.js'),
  wsClientsGenerator: join(compiledBenchDir, 'generators/ws-clients.js'),
  publisherGenerator: join(compiledBenchDir, 'generators/publisher.js'),
  results: join(REPO_ROOT, 'bench/results'),
} as const;
