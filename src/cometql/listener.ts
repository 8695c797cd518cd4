// The CometQL TCP listener ([cometql] ip/port): owns sockets, counters and logging; the MySQL
// protocol itself runs in wire/connection.ts, one state machine per socket.
import { createServer, type Server, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import type { CometqlConfig } from '../config/config.js';
import { listenerRefusalLog, type Logger } from '../log.js';
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

/** Socket sink; `onTls` (when TLS is configured) switches reading and writing to a TLSSocket. */
function socketSink(socket: Socket, onTls?: (leftover: Buffer) => Duplex): PacketSink {
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

  const accept = (socket: Socket) => {
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
        connectionId,
        clientAddress,
        log: connLog,
        statistics: () => statisticsLine(stats),
        tls: secureContext !== null,
      },
      socketSink(socket, secureContext ? (leftover) => startTls(leftover) : undefined),
    );
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
  const refusals = listenerRefusalLog(log, 'cometql');
  server.on('error', refusals.onError);
  server.on('drop', refusals.onDrop);
  if (opts.maxConnections !== undefined) server.maxConnections = opts.maxConnections;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ host: config.ip || undefined, port: config.port, backlog: config.backlog > 0 ? config.backlog : undefined }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
