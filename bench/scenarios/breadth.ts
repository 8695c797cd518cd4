// Breadth: P pipes with 2 subscribers each. P connections, connection i subscribed to pipes i and
// i+1 (mod P), so the subscriber count stays within one process's open-file limit. INSERTs go round
// the pipes back to back over a few CometQL connections. TsComet only: bare ws has no pipes.
import { ClientFleet } from '../lib/client-fleet.js';
import { generatorsFor, sourceAddresses } from '../lib/options.js';
import { Publisher } from '../lib/publisher-handle.js';
import { startTarget } from '../lib/targets.js';
import { deliveryRows, memoryRows, repeatDeliveryPhase, settledMemory, warmUp, HANDSHAKE_TIMEOUT_MS } from './phases.js';
import type { ScenarioContext } from './context.js';
import type { Addressing } from '../lib/ipc-messages.js';

const PREFIX = 'bench_b';
const CONNECT_STEP_MS = 180_000;
/** Rounds over all pipes at most, whatever the duration. */
const MAX_ROUNDS = 100;

export async function runBreadth(ctx: ScenarioContext): Promise<void> {
  const pipes = ctx.opts.breadthPipes;
  const target = await startTarget('tscomet', ctx.targetOptions('tscomet'));
  const fleet = ClientFleet.start(generatorsFor(ctx.opts, pipes), ctx.generatorLifetimeMs());
  let publisher: Publisher | undefined;
  try {
    publisher = await Publisher.open('publisher(breadth)', target.publisher(ctx.opts.publisherConnections), ctx.generatorLifetimeMs());
    const baseline = await settledMemory(ctx, target);
    const c = await fleet.connectUpTo(pipes, {
      host: target.host,
      port: target.wsPort,
      identity: 'anonymous',
      userBase: 0,
      subscribe: { kind: 'ring', prefix: PREFIX, pipes },
      sourceAddresses: sourceAddresses(ctx.opts),
      concurrency: ctx.opts.handshakeConcurrency,
      handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      deadlineMs: ctx.stepMs(CONNECT_STEP_MS),
    });
    if (c.failed) ctx.log(`${c.failed} connections failed ${JSON.stringify(c.errors)}`);
    const addressing: Addressing = { kind: 'pipe-ring', prefix: PREFIX, pipes };
    const warm = await warmUp(ctx, fleet, publisher, addressing, pipes);
    const mem = await settledMemory(ctx, target);
    ctx.log(`${warm.warmed}/${warm.open} connections warm after ${warm.rounds} round(s); RSS ${(mem.rssBytes / 2 ** 20).toFixed(1)} MiB`);
    const phases = await repeatDeliveryPhase(ctx, {
      fleet,
      publisher,
      target,
      request: { mode: 'burst', addressing, rate: 0, maxMessages: pipes * MAX_ROUNDS, durationMs: ctx.opts.durationSeconds * 1000 },
      recipientsPerMessage: 2,
    });
    const size = `${pipes} pipes x 2`;
    const open = warm.open;
    ctx.row({ size, metric: 'connections open', unit: 'count', tscomet: open, better: 'higher' });
    memoryRows(ctx, size, 'connection (2 pipes each)', open, baseline, mem);
    deliveryRows(ctx, size, phases, { inserts: `INSERT/s over ${ctx.opts.publisherConnections} conns`, deliveries: 'deliveries/s' });
    ctx.details.connect = c;
    ctx.details.phases = phases;
    ctx.details.memory = { baseline, subscribed: mem };
  } finally {
    ctx.details.serverLogLines = target.process.linesAfterReady;
    await publisher?.close();
    await fleet.closeAll();
    await fleet.stop();
    await target.stop();
  }
}
