// The CometQL TCP listener ([cometql] ip/port): owns sockets, counters and logging; the MySQL
// protocol itself runs in wire/connection.ts, one state machine per socket.
import { createServer, type Server, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import type { CometqlConfig } from '../config/config.js';
import { listenerRefusalLog, rateLimitedLog, type Logger } from '../log.js';
import { SqlErrors } from '../errors.js';
import { Admission, preauthCap, type AdmittedPeer } from './admission.js';
import { buildErr } from './wire/responses.js';
import { framePackets } from './wire/packet-writer.js';
import type { ListenerStats } from '../stats.js';
import type { CometqlEngine } from './result.js';
import { MysqlConnection, type PacketSink } from './wire/connection.js';
import { nextConnectionId } from './wire/greeting.js';
import { peerAddress } from '../peer-address.js';

export interface CometqlListener {
  readonly port: number;
  close(): Promise<void>;
}

export interface CometqlListenerOptions {
  readonly config: CometqlConfig;
  readonly password: string;
  readonly devIndexSize: number;
  readonly engine: CometqlEngine;
  readonly stats: ListenerStats;
  readonly log: Logger;
  /** Refuse connections beyond this many (derived from the open-file limit). */
  readonly maxConnections?: number;
}

/** Without an open-file limit to derive it from, the cap on all CometQL connections. */
const DEFAULT_MAX_CONNECTIONS = 1000;
const SWEEP_MS = 1000;

const seconds = () => Math.floor(Date.now() / 1000);

/**
 * Close `socket` as soon as what was written reached the kernel (which still delivers it before
 * the FIN): the descriptor is free at once, so a flood of refusals holds no extra descriptors.
 */
function destroyWhenFlushed(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.writableLength === 0) socket.destroy();
  else socket.once('finish', () => socket.destroy());
}

/** Largest packet payload accepted (the max_allowed_packet clients are told): bounds memory per connection. */
const MAX_PACKET_SIZE = 16 * 1024 * 1024;


function statisticsLine(stats: ListenerStats): string {
  const uptime = Math.max(1, Math.floor(process.uptime()));
  const perSecond = (stats.messages / uptime).toFixed(3);
  return `Uptime: ${uptime}  Threads: ${stats.online}  Questions: ${stats.messages}  Slow queries: 0  Opens: 0  Flush tables: 0  Open tables: 0  Queries per second avg: ${perSecond}`;
}

/**
 * A duplex over the raw socket that first replays `leftover` (bytes that already arrived behind
 * the SSLRequest), so TLSSocket sees the whole ClientHello.
 */
function replayingDuplex(socket: Socket, leftover: Buffer): Duplex {
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      socket.write(chunk, cb);
    },
    final(cb) {
      socket.end();
      cb();
    },
    destroy(err, cb) {
      socket.destroy();
      cb(err);
    },
  });
  if (leftover.length > 0) duplex.push(leftover);
  socket.on('data', (d: Buffer) => {
    if (!duplex.push(d)) socket.pause();
  });
  socket.once('end', () => duplex.push(null));
  return duplex;
}

/** Socket sink; `onTls` (when TLS is configured) switches reading and writing to a TLSSocket; `onEnd` sees the close begin. */
function socketSink(socket: Socket, onEnd: () => void, onTls?: (leftover: Buffer) => Duplex): PacketSink {
  let out: Duplex = socket;
  let writeBlocked = false;
  let queueFull = false;
  const update = () => (writeBlocked || queueFull ? out.pause() : out.resume());
  const onDrain = () => {
    writeBlocked = false;
    update();
  };
  socket.on('drain', onDrain);
  return {
    startTls: onTls
      ? (leftover) => {
          out = onTls(leftover);
          out.on('drain', onDrain);
        }
      : undefined,
    write(data) {
      if (out.writable && !out.write(data)) {
        writeBlocked = true;
        update();
      }
    },
    end() {
      // Half-close only: destroying now could reset the connection before the client read our ERR.
      // Keep reading (and discarding) until the client closes its side.
      queueFull = false;
      writeBlocked = false;
      update();
      if (!out.destroyed) out.end();
      onEnd();
    },
    setInputPaused(paused) {
      queueFull = paused;
      update();
    },
  };
}

export async function startCometqlListener(opts: CometqlListenerOptions): Promise<CometqlListener> {
  const { config, stats, log } = opts;
  const sockets = new Set<Socket>();
  const maxPacketSize = Math.max(MAX_PACKET_SIZE, config.maxQuerySize + 1024);
  // Read the certificate once at startup: a bad path fails the start, not the first TLS client.
  const secureContext: SecureContext | null = config.tls ? createSecureContext({ cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) }) : null;

  const refusals = listenerRefusalLog(log, 'cometql');
  const maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const admission = new Admission<AdmittedPeer>(
    { maxConnections, maxPreauth: preauthCap(config.maxPreauthConnections, maxConnections), loginTimeout: config.loginTimeout },
    {
      evicted: rateLimitedLog(log, 'warn', 'CometQL unauthenticated connection limit reached: closing the oldest (ERR 1040)'),
      timedOut: rateLimitedLog(log, 'info', 'CometQL login timeout: closing unauthenticated connections (ERR 1159)'),
    },
  );
  const loginPacketTooLarge = rateLimitedLog(log, 'info', 'CometQL login packet too large: closing (ERR 1153)');

  /** Every connection is authenticated and the cap is reached: ERR 1040 in place of the greeting, as MySQL does. */
  const refuse = (socket: Socket) => {
    refusals.onDrop();
    socket.on('error', () => undefined);
    socket.end(framePackets([buildErr(SqlErrors.tooManyConnections)], 0).data);
    destroyWhenFlushed(socket);
  };

  const accept = (socket: Socket) => {
    if (!admission.makeRoom()) return refuse(socket);
    const connectionId = nextConnectionId();
    const clientAddress = peerAddress(socket.remoteAddress);
    const connLog = log.child({ conn: connectionId, addr: clientAddress });
    sockets.add(socket);
    stats.accepted++;
    stats.online++;
    socket.setNoDelay(true);
    const connection = new MysqlConnection(
      {
        engine: opts.engine,
        password: opts.password,
        devIndexSize: opts.devIndexSize,
        maxQuerySize: config.maxQuerySize,
        maxPacketSize,
        maxLoginPacketSize: config.maxLoginPacketSize,
        onAuthenticated: () => admission.authenticated(peer),
        onLoginPacketTooLarge: () => loginPacketTooLarge({ addr: clientAddress }),
        connectionId,
        clientAddress,
        log: connLog,
        statistics: () => statisticsLine(stats),
        tls: secureContext !== null,
      },
      socketSink(socket, () => admission.ended(peer, seconds()), secureContext ? (leftover) => startTls(leftover) : undefined),
    );
    const peer: AdmittedPeer = {
      drop(error) {
        connection.refuse(error);
        destroyWhenFlushed(socket);
      },
      destroy: () => socket.destroy(),
    };
    admission.admit(peer, seconds());
    const onData = (chunk: Buffer) => {
      stats.messages += connection.receive(chunk);
    };
    socket.on('data', onData);
    const startTls = (leftover: Buffer): Duplex => {
      socket.off('data', onData);
      const tlsSocket = new TLSSocket(replayingDuplex(socket, leftover), { isServer: true, secureContext: secureContext! });
      tlsSocket.on('data', onData);
      tlsSocket.on('error', (err) => {
        connLog.debug({ err: err.message }, 'CometQL TLS error');
        socket.destroy();
      });
      return tlsSocket;
    };
    socket.on('error', (err) => connLog.debug({ err: err.message }, 'CometQL socket error'));
    socket.once('close', () => {
      admission.released(peer);
      sockets.delete(socket);
      stats.closed++;
      stats.online--;
      connection.dispose();
      connLog.debug({}, 'CometQL connection closed');
    });
    connLog.debug({}, 'CometQL connection accepted');
    connection.start();
  };

  const server: Server = createServer(accept);
  server.on('error', refusals.onError);
  // No server.maxConnections: Node would drop over-cap clients without a word; admission answers ERR 1040.
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ host: config.ip || undefined, port: config.port, backlog: config.backlog > 0 ? config.backlog : undefined }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // The listener's one timer: login timeouts and lingering ends (admission.ts).
  const sweep = setInterval(() => admission.sweep(seconds()), SWEEP_MS);
  sweep.unref();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sweep);
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
