// Private messages: U users registered through users_auth, each connected once with its hash, then
// users_messages INSERTs round the users back to back. TsComet only (bare ws has no users).
import { ClientFleet } from '../lib/client-fleet.js';
import { generatorsFor, sourceAddresses } from '../lib/options.js';
import { Publisher } from '../lib/publisher-handle.js';
import { startTarget } from '../lib/targets.js';
import { deliveryRows, memoryRows, repeatDeliveryPhase, settledMemory, warmUp, HANDSHAKE_TIMEOUT_MS } from './phases.js';
import type { ScenarioContext } from './context.js';
import type { Addressing } from '../lib/ipc-messages.js';

/** User ids start at 1: id 0 is the anonymous user. */
const FIRST_USER_ID = 1;
const REGISTER_MS = 120_000;
const CONNECT_STEP_MS = 180_000;
const MAX_ROUNDS = 100;

export async function runPrivate(ctx: ScenarioContext): Promise<void> {
  const users = ctx.opts.privateUsers;
  const target = await startTarget('tscomet', ctx.targetOptions('tscomet'));
  const fleet = ClientFleet.start(generatorsFor(ctx.opts, users), ctx.generatorLifetimeMs());
  let publisher: Publisher | undefined;
  try {
    publisher = await Publisher.open('publisher(private)', target.publisher(ctx.opts.publisherConnections), ctx.generatorLifetimeMs());
    const registered = await publisher.registerUsers(FIRST_USER_ID, users, ctx.stepMs(REGISTER_MS));
    const authPerSecond = registered.done / (registered.elapsedMs / 1000);
    ctx.log(`${registered.done} users registered, ${Math.round(authPerSecond)} users_auth INSERT/s${registered.errors ? `, ${registered.errors} errors: ${registered.firstError}` : ''}`);
    const baseline = await settledMemory(ctx, target);
    const c = await fleet.connectUpTo(users, {
      host: target.host,
      port: target.wsPort,
      identity: 'user',
      userBase: FIRST_USER_ID,
      subscribe: { kind: 'none' },
      sourceAddresses: sourceAddresses(ctx.opts),
      concurrency: ctx.opts.handshakeConcurrency,
      handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      deadlineMs: ctx.stepMs(CONNECT_STEP_MS),
    });
    ctx.log(`${c.open} connected (${c.authorized} authorized) at ${Math.round(c.opened / (c.elapsedMs / 1000))} conn/s${c.failed ? `, ${c.failed} failed ${JSON.stringify(c.errors)}` : ''}`);
    const addressing: Addressing = { kind: 'user', base: FIRST_USER_ID, users };
    const warm = await warmUp(ctx, fleet, publisher, addressing, users);
    const mem = await settledMemory(ctx, target);
    const phases = await repeatDeliveryPhase(ctx, {
      fleet,
      publisher,
      target,
      request: { mode: 'burst', addressing, rate: 0, maxMessages: users * MAX_ROUNDS, durationMs: ctx.opts.durationSeconds * 1000 },
      recipientsPerMessage: 1,
    });
    const size = `${users} users`;
    ctx.row({ size, metric: 'authorized connections', unit: 'count', tscomet: c.authorized, better: 'higher' });
    ctx.row({ size, metric: 'users_auth INSERT/s', unit: '1/s', tscomet: authPerSecond, better: 'higher' });
    ctx.row({ size, metric: 'authorized connect ramp', unit: 'conn/s', tscomet: c.opened / (c.elapsedMs / 1000), better: 'higher' });
    memoryRows(ctx, size, 'authorized connection', c.open, baseline, mem);
    deliveryRows(ctx, size, phases, { inserts: `users_messages INSERT/s over ${ctx.opts.publisherConnections} conns`, deliveries: 'private deliveries/s' });
    ctx.details.registered = registered;
    ctx.details.connect = c;
    ctx.details.warm = warm;
    ctx.details.phases = phases;
    ctx.details.memory = { baseline, connected: mem };
  } finally {
    ctx.details.serverLogLines = target.process.linesAfterReady;
    await publisher?.close();
    await fleet.closeAll();
    await fleet.stop();
    await target.stop();
  }
}
