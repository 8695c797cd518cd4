// Command-line options of the bench runner; every size and duration has a bound.
import { parseArgs } from 'node:util';

export const SCENARIOS = ['idle', 'fanout', 'breadth', 'private', 'cometql'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  readonly scenarios: readonly ScenarioName[];
  /** Which servers the idle and fan-out scenarios run against. */
  readonly targets: readonly ('tscomet' | 'bare-ws')[];
  readonly idleConnections: readonly number[];
  readonly fanoutSubscribers: readonly number[];
  readonly fanoutRate: number;
  readonly fanoutWindow: number;
  /** CometQL (or HTTP trigger) connections of the fan-out, breadth and private publishers. */
  readonly publisherConnections: number;
  readonly breadthPipes: number;
  readonly privateUsers: number;
  readonly cometqlConnections: readonly number[];
  readonly durationSeconds: number;
  /** Fan-out measurements per target and size, interleaved; the table shows medians. */
  readonly repeat: number;
  /** 0 = one generator per CONNECTIONS_PER_GENERATOR connections. */
  readonly generators: number;
  readonly sourceAddresses: number;
  readonly handshakeConcurrency: number;
  readonly settleSeconds: number;
  readonly gcBeforeSample: boolean;
  readonly profile: boolean;
  readonly logLevel: number;
  readonly timeLimitSeconds: number;
  readonly quick: boolean;
}

export const CONNECTIONS_PER_GENERATOR = 5_000;
const MAX_CONNECTIONS = 200_000;
const MAX_DURATION_S = 120;
const MAX_GENERATORS = 16;
const MAX_SOURCE_ADDRESSES = 250;

export const HELP = `Usage: node dist-test/bench/run.js [options]     (npm run bench -- [options])

  --scenario LIST          idle,fanout,breadth,private,cometql or all      [all]
  --targets T              both | tscomet | bare  (idle and fanout)        [both]
  --connections LIST       idle: connection counts, ascending              [1000,10000,19900]
  --subscribers LIST       fanout: subscribers of the one pipe             [1000,5000]
  --rate N                 fanout: messages/s of the latency phase         [40]
  --window N               fanout: messages in flight in the flood phase   [20]
  --publishers N           publisher connections (fanout, breadth, private) [4]
  --pipes N                breadth: pipes (2 subscribers each)             [10000]
  --users N                private: authorized users                       [10000]
  --cometql-connections L  cometql: connection counts                      [1,8]
  --duration S             seconds of each measured phase                  [10]
  --repeat N               measured phases per size (fanout: interleaved runs); medians [1]
  --generators N           ws-client generator processes (0 = auto)       [0]
  --source-addresses N     127.0.0.2 .. 127.0.0.(N+1) as source addresses  [4]
  --concurrency N          handshakes in flight per generator              [64]
  --settle S               seconds to wait before a memory sample          [3]
  --no-gc                  do not force a GC before memory samples
  --profile                run TsComet with --cpu-prof (bench/results/profiles)
  --log-level N            TsComet [log] level of the busy subsystems      [200]
  --time-limit S           stop the whole run after S seconds              [900]
  --quick                  CI-sized run (small sizes, 3 s phases)
  --help
`;

function numberList(text: string, name: string, max: number): number[] {
  const list = text.split(',').map((s) => Number(s.trim()));
  for (const n of list) if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name}: ${text} is not a list of integers in 1..${max}`);
  return list;
}

function bounded(text: string, name: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name}: ${text} is not in ${min}..${max}`);
  return n;
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      scenario: { type: 'string' },
      targets: { type: 'string' },
      connections: { type: 'string' },
      subscribers: { type: 'string' },
      rate: { type: 'string' },
      window: { type: 'string' },
      publishers: { type: 'string' },
      pipes: { type: 'string' },
      users: { type: 'string' },
      'cometql-connections': { type: 'string' },
      duration: { type: 'string' },
      generators: { type: 'string' },
      repeat: { type: 'string' },
      'source-addresses': { type: 'string' },
      concurrency: { type: 'string' },
      settle: { type: 'string' },
      'no-gc': { type: 'boolean' },
      profile: { type: 'boolean' },
      'log-level': { type: 'string' },
      'time-limit': { type: 'string' },
      quick: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick ?? false;
  const scenarioText = values.scenario ?? 'all';
  const scenarios = scenarioText === 'all' ? [...SCENARIOS] : scenarioText.split(',').map((s) => s.trim());
  for (const s of scenarios) if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`--scenario: unknown scenario ${s}`);
  const targetsText = values.targets ?? 'both';
  const targets: ('tscomet' | 'bare-ws')[] = targetsText === 'both' ? ['tscomet', 'bare-ws'] : targetsText === 'tscomet' ? ['tscomet'] : targetsText === 'bare' ? ['bare-ws'] : [];
  if (targets.length === 0) throw new Error(`--targets: ${targetsText} is not both, tscomet or bare`);
  const idle = numberList(values.connections ?? (quick ? '200,1000' : '1000,10000,19900'), 'connections', MAX_CONNECTIONS).sort((a, b) => a - b);
  const pipes = bounded(values.pipes ?? (quick ? '500' : '10000'), 'pipes', 2, MAX_CONNECTIONS);
  return {
    scenarios: scenarios as ScenarioName[],
    targets,
    idleConnections: idle,
    fanoutSubscribers: numberList(values.subscribers ?? (quick ? '200' : '1000,5000'), 'subscribers', MAX_CONNECTIONS),
    fanoutRate: bounded(values.rate ?? '40', 'rate', 1, 10_000),
    fanoutWindow: bounded(values.window ?? '20', 'window', 1, 10_000),
    publisherConnections: bounded(values.publishers ?? '4', 'publishers', 1, 64),
    breadthPipes: pipes,
    privateUsers: bounded(values.users ?? (quick ? '500' : '10000'), 'users', 1, MAX_CONNECTIONS),
    cometqlConnections: numberList(values['cometql-connections'] ?? '1,8', 'cometql-connections', 256),
    durationSeconds: bounded(values.duration ?? (quick ? '3' : '10'), 'duration', 1, MAX_DURATION_S),
    repeat: bounded(values.repeat ?? '1', 'repeat', 1, 5),
    generators: bounded(values.generators ?? '0', 'generators', 0, MAX_GENERATORS),
    sourceAddresses: bounded(values['source-addresses'] ?? '4', 'source-addresses', 1, MAX_SOURCE_ADDRESSES),
    handshakeConcurrency: bounded(values.concurrency ?? '64', 'concurrency', 1, 1024),
    settleSeconds: bounded(values.settle ?? (quick ? '1' : '3'), 'settle', 0, 60),
    gcBeforeSample: !(values['no-gc'] ?? false),
    profile: values.profile ?? false,
    logLevel: bounded(values['log-level'] ?? '200', 'log-level', 0, 700),
    timeLimitSeconds: bounded(values['time-limit'] ?? '900', 'time-limit', 10, 3600),
    quick,
  };
}

/** Generators for `connections` connections: the option, else one per CONNECTIONS_PER_GENERATOR. */
export function generatorsFor(opts: BenchOptions, connections: number): number {
  if (opts.generators > 0) return opts.generators;
  return Math.min(MAX_GENERATORS, Math.max(1, Math.ceil(connections / CONNECTIONS_PER_GENERATOR)));
}

/** 127.0.0.2, 127.0.0.3, ...: one ephemeral-port space (~28k) per source address. */
export function sourceAddresses(opts: BenchOptions): string[] {
  return Array.from({ length: opts.sourceAddresses }, (_, i) => `127.0.0.${i + 2}`);
}
