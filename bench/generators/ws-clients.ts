// Load generator: a fleet of browser-like WebSocket connections in one process. Opens them with a
// bounded number of handshakes in flight, subscribes, and times every benchmark message it receives.
import { RawWsClient } from '../lib/raw-ws-client.js';
import { serveRequests, pushProgress } from '../lib/generator-side.js';
import { browserPath, subscriptionFrame } from '../lib/browser-url.js';
import { decodeBody, extractData, monotonicMs } from '../lib/message-body.js';
import type { CollectReply, ConnectReply, ConnectRequest, CountersReply, GeneratorRequest, ResetRequest } from '../lib/ipc-messages.js';

/** Give up a connect step after this many failures in a row (EMFILE, refused, timeouts). */
const MAX_CONSECUTIVE_FAILURES = 50;

interface ClientState {
  ws: RawWsClient | undefined;
  established: boolean;
  open: boolean;
  warmed: boolean;
  lastSeq: number;
}

const clients: ClientState[] = [];
let closedByPeer = 0;
let received = 0;
let firstReceiveMs = 0;
let lastReceiveMs = 0;
let samples = new Float64Array(0);
let sampleCount = 0;
let droppedSamples = 0;
let progressTimer: NodeJS.Timeout | undefined;

function onFrame(state: ClientState, data: Buffer): void {
  const now = monotonicMs();
  const body = extractData(data.toString('latin1'));
  if (body === undefined) return;
  const decoded = decodeBody(body);
  if (!decoded) return;
  if (decoded.tag === 'w') {
    state.warmed = true;
    return;
  }
  received++;
  if (firstReceiveMs === 0) firstReceiveMs = now;
  lastReceiveMs = now;
  if (decoded.seq > state.lastSeq) state.lastSeq = decoded.seq;
  if (sampleCount < samples.length) samples[sampleCount++] = now - decoded.sendMs;
  else droppedSamples++;
}

type OpenOutcome = { ok: true; authorized: boolean } | { ok: false; code: string };

/** One connection: resolves when its first frame (serverInfo / hello) arrived, or it failed. */
function openOne(req: ConnectRequest, index: number): Promise<OpenOutcome> {
  return new Promise((resolve) => {
    const state: ClientState = { ws: undefined, established: false, open: false, warmed: false, lastSeq: 0 };
    let settled = false;
    const settle = (outcome: OpenOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(firstFrameTimer);
      resolve(outcome);
    };
    // The handshake timeout does not cover a server that upgrades but never sends serverInfo.
    const firstFrameTimer = setTimeout(() => {
      settle({ ok: false, code: 'NO_FIRST_FRAME' });
      state.ws?.destroy();
    }, req.handshakeTimeoutMs * 2);
    state.ws = new RawWsClient(
      {
        host: req.host,
        port: req.port,
        path: browserPath(index, req.identity, req.userBase),
        localAddress: req.sourceAddresses[index % req.sourceAddresses.length]!,
        timeoutMs: req.handshakeTimeoutMs,
      },
      {
        onMessage(payload) {
          if (state.established) return onFrame(state, payload);
          state.established = true;
          state.open = true;
          clients.push(state);
          const frame = subscriptionFrame(index, req.subscribe);
          if (frame) state.ws!.send(frame);
          settle({ ok: true, authorized: payload.toString('latin1').includes('"authorized":true') });
        },
        onClose(error) {
          if (state.open) {
            state.open = false;
            closedByPeer++;
          }
          settle({ ok: false, code: error ?? 'CLOSED_BEFORE_FIRST_FRAME' });
        },
      },
    );
  });
}

async function connect(req: ConnectRequest): Promise<ConnectReply> {
  const started = Date.now();
  const deadline = started + req.deadlineMs;
  const errors: Record<string, number> = {};
  let next = 0;
  let inFlight = 0;
  let opened = 0;
  let failed = 0;
  let authorized = 0;
  let consecutiveFailures = 0;
  await new Promise<void>((done) => {
    const canLaunch = () => next < req.count && Date.now() < deadline && consecutiveFailures < MAX_CONSECUTIVE_FAILURES;
    const launch = () => {
      while (inFlight < req.concurrency && canLaunch()) {
        const index = req.first + next++;
        inFlight++;
        void openOne(req, index).then((outcome) => {
          inFlight--;
          if (outcome.ok) {
            opened++;
            consecutiveFailures = 0;
            if (outcome.authorized) authorized++;
          } else {
            failed++;
            consecutiveFailures++;
            errors[outcome.code] = (errors[outcome.code] ?? 0) + 1;
          }
          launch();
        });
      }
      if (inFlight === 0) done();
    };
    launch();
  });
  return { type: 'connected', opened, failed, authorized, errors, elapsedMs: Date.now() - started, open: openCount() };
}

function openCount(): number {
  let n = 0;
  for (const c of clients) if (c.open) n++;
  return n;
}

function minSeq(): number {
  let min = Number.MAX_SAFE_INTEGER;
  for (const c of clients) if (c.open && c.lastSeq < min) min = c.lastSeq;
  return min === Number.MAX_SAFE_INTEGER ? 0 : min;
}

function reset(req: ResetRequest): { type: 'reset' } {
  received = 0;
  firstReceiveMs = 0;
  lastReceiveMs = 0;
  samples = new Float64Array(req.sampleCapacity);
  sampleCount = 0;
  droppedSamples = 0;
  for (const c of clients) c.lastSeq = 0;
  clearInterval(progressTimer);
  progressTimer = undefined;
  if (req.progressEveryMs > 0) {
    progressTimer = setInterval(() => pushProgress({ type: 'progress', minSeq: minSeq(), received }), req.progressEveryMs);
  }
  return { type: 'reset' };
}

function counters(): CountersReply {
  let warmed = 0;
  for (const c of clients) if (c.open && c.warmed) warmed++;
  return { type: 'counters', received, warmed, open: openCount(), closedByPeer, minSeq: minSeq() };
}

function collect(): CollectReply {
  clearInterval(progressTimer);
  progressTimer = undefined;
  return {
    type: 'collected',
    received,
    // slice, not subarray: structured clone would copy the whole backing buffer.
    latenciesMs: samples.slice(0, sampleCount),
    droppedSamples,
    firstReceiveMs,
    lastReceiveMs,
    open: openCount(),
    closedByPeer,
  };
}

async function closeAll(): Promise<{ type: 'closed'; closed: number }> {
  clearInterval(progressTimer);
  for (const c of clients) {
    c.open = false;
    c.ws?.destroy();
  }
  const closed = clients.length;
  clients.length = 0;
  return { type: 'closed', closed };
}

serveRequests(async (req: GeneratorRequest) => {
  switch (req.type) {
    case 'connect':
      return connect(req);
    case 'reset':
      return reset(req);
    case 'counters':
      return counters();
    case 'collect':
      return collect();
    case 'close':
      return closeAll();
    default:
      throw new Error(`ws-clients: unsupported request ${req.type}`);
  }
});
