// One MySQL connection as a state machine over packets (greeting -> login [-> auth switch] ->
// command phase -> closed). No sockets: bytes come in through receive(), go out through a PacketSink.
import type { Logger } from 'pino';
import { SqlErrors, type SqlError } from '../../errors.js';
import type { CometqlEngine } from '../result.js';
import { buildAuthSwitchRequest, FAST_AUTH_SUCCESS } from './auth.js';
import * as commands from './commands.js';
import { Capability, Command, NATIVE_PASSWORD_PLUGIN } from './constants.js';
import { buildGreeting, createScramble, SERVER_CAPABILITIES } from './greeting.js';
import { parseChangeUser, parseHandshakeResponse } from './handshake-response.js';
import { checkCredentials, checkSwitchResponse, devIdFromUserName, type AuthOutcome } from './login.js';
import { PacketReader, type Packet } from './packet-reader.js';
import { framePackets } from './packet-writer.js';
import { buildEof, buildErr, buildOk } from './responses.js';
import { WireSession } from './session.js';
import { MAX_PREPARED_STATEMENTS, StatementRegistry } from './statement-registry.js';
import type { WireError } from './wire-error.js';

export interface PacketSink {
  write(data: Buffer): void;
  /** Flush what was written, then close. */
  end(): void;
  /** Stop or restart reading input while commands are queued (bounded memory). */
  setInputPaused(paused: boolean): void;
  /**
   * Switch the socket to TLS (server side) after an SSLRequest; `leftover` is what already arrived
   * behind it (the start of the ClientHello). Present only when TLS is configured.
   */
  startTls?(leftover: Buffer): void;
}

export interface ConnectionOptions {
  readonly engine: CometqlEngine;
  readonly password: string;
  readonly devIndexSize: number;
  readonly maxQuerySize: number;
  readonly maxPacketSize: number;
  /** Largest packet before an authenticated login (the handshake response is small). */
  readonly maxLoginPacketSize: number;
  /** A login succeeded (also again after COM_CHANGE_USER): the connection no longer counts as pre-auth. */
  readonly onAuthenticated?: () => void;
  /** A pre-auth packet was over maxLoginPacketSize (the listener logs these rate-limited). */
  readonly onLoginPacketTooLarge?: () => void;
  readonly connectionId: number;
  readonly clientAddress: string;
  readonly log: Logger;
  /** The COM_STATISTICS text line. */
  readonly statistics: () => string;
  readonly scramble?: Buffer;
  readonly serverVersion?: string;
  /** Advertise CLIENT_SSL (only when the sink can start TLS). */
  readonly tls?: boolean;
}

type Phase = 'login' | 'auth-switch' | 'command' | 'closed';

/** A login (or COM_CHANGE_USER) waiting for the client's answer to an AuthSwitchRequest. */
interface PendingLogin {
  readonly via: 'login' | 'change-user';
  readonly user: string;
  readonly database: string | null;
}

/** Commands that carry statement text or values: max_query_size applies, and its ERR 11 (one limit, one error). */
const STATEMENT_COMMANDS: ReadonlySet<number> = new Set([Command.QUERY, Command.STMT_PREPARE, Command.STMT_EXECUTE, Command.STMT_SEND_LONG_DATA]);

/** Pause reading when this many packets wait to be handled. */
const MAX_QUEUED_PACKETS = 128;

export class MysqlConnection {
  readonly scramble: Buffer;
  private phase: Phase = 'login';
  private readonly reader: PacketReader;
  private queue: Packet[] = [];
  private queueHead = 0;
  private inputPaused = false;
  private running = false;
  private readError: WireError | null = null;
  private seq = 0;
  private session: WireSession | null = null;
  private clientCapabilities = 0;
  private tlsStarted = false;
  private pending: PendingLogin | null = null;
  private readonly statements: StatementRegistry;
  private readonly password: Buffer;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly sink: PacketSink,
  ) {
    this.scramble = options.scramble ?? createScramble();
    this.password = Buffer.from(options.password, 'utf8');
    this.reader = new PacketReader({ maxPacketSize: Math.min(options.maxLoginPacketSize, options.maxPacketSize) });
    // Long data is part of the statement, so max_query_size bounds what may accumulate.
    this.statements = new StatementRegistry(MAX_PREPARED_STATEMENTS, options.maxQuerySize);
  }

  get closed(): boolean {
    return this.phase === 'closed';
  }

  /** Send the greeting (sequence 0). */
  start(): void {
    const capabilities = this.tlsOffered() ? SERVER_CAPABILITIES | Capability.SSL : SERVER_CAPABILITIES;
    this.reply([buildGreeting({ connectionId: this.options.connectionId, scramble: this.scramble, serverVersion: this.options.serverVersion, capabilities })]);
  }

  private tlsOffered(): boolean {
    return this.options.tls === true && this.sink.startTls !== undefined;
  }

  /** Feed bytes from the socket; returns the number of complete packets they finished. */
  receive(chunk: Buffer): number {
    if (this.phase === 'closed') return 0;
    // Until TLS is settled, one packet at a time: TLS bytes behind an SSLRequest must not be read as packets.
    const awaitingTls = this.phase === 'login' && this.tlsOffered() && !this.tlsStarted;
    const { packets, error } = this.reader.push(chunk, awaitingTls ? 1 : Infinity);
    for (const p of packets) this.queue.push(p);
    if (error) this.readError = error;
    if (!this.inputPaused && this.queue.length - this.queueHead > MAX_QUEUED_PACKETS) {
      this.inputPaused = true;
      this.sink.setInputPaused(true);
    }
    void this.drain();
    return packets.length;
  }

  /** The socket is gone: drop all state. */
  dispose(): void {
    this.phase = 'closed';
    this.queue = [];
    this.queueHead = 0;
    this.statements.clear();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.phase !== 'closed' && this.queueHead < this.queue.length) {
        const packet = this.queue[this.queueHead++];
        if (this.queueHead === this.queue.length) {
          this.queue = [];
          this.queueHead = 0;
        }
        await this.handle(packet);
        if (this.inputPaused && this.queue.length - this.queueHead <= MAX_QUEUED_PACKETS / 2) {
          this.inputPaused = false;
          this.sink.setInputPaused(false);
        }
      }
      if (this.readError && this.phase !== 'closed') this.rejectOversize(this.readError);
    } catch (err) {
      this.options.log.error({ err }, 'CometQL connection failed; closing it');
      this.close();
    } finally {
      this.running = false;
    }
  }

  private handle(packet: Packet): Promise<void> | void {
    this.seq = (packet.sequenceId + 1) & 0xff;
    switch (this.phase) {
      case 'login':
        return this.onLogin(packet.payload);
      case 'auth-switch':
        return this.onSwitchResponse(packet.payload);
      case 'command':
        return this.onCommand(packet.payload);
      case 'closed':
        return;
    }
  }

  private onLogin(payload: Buffer): void {
    const parsed = parseHandshakeResponse(payload);
    if (!parsed.ok && parsed.error.code === 'CQL_ERR_SSL_REQUEST' && this.tlsOffered() && !this.tlsStarted) {
      // The real login follows inside TLS with the next sequence id; an SSLRequest is not a failed login.
      this.tlsStarted = true;
      this.sink.startTls!(this.reader.takeBuffered());
      return;
    }
    if (!parsed.ok) {
      this.options.log.debug({ code: parsed.error.code }, 'malformed login packet');
      return this.fail(parsed.error.code === 'CQL_ERR_SSL_REQUEST' ? SqlErrors.authDataLen : SqlErrors.authFailure);
    }
    const login = parsed.value;
    this.clientCapabilities = login.capabilities;
    this.authenticate({ via: 'login', user: login.user, database: login.database }, checkCredentials({ ...login, clientCapabilities: login.capabilities }, this.password, this.scramble));
  }

  private onSwitchResponse(payload: Buffer): void {
    const pending = this.pending!;
    this.pending = null;
    this.authenticate(pending, checkSwitchResponse(payload, this.password, this.scramble));
  }

  private onChangeUser(payload: Buffer): void {
    const parsed = parseChangeUser(payload, this.clientCapabilities);
    if (!parsed.ok) return this.fail(SqlErrors.authFailure);
    const req = parsed.value;
    this.statements.clear();
    this.session = null;
    this.authenticate({ via: 'change-user', user: req.user, database: req.database }, checkCredentials({ ...req, clientCapabilities: this.clientCapabilities }, this.password, this.scramble));
  }

  private authenticate(login: PendingLogin, outcome: AuthOutcome): void {
    const { log, connectionId, clientAddress } = this.options;
    const multiStatements = (this.clientCapabilities & SERVER_CAPABILITIES & Capability.MULTI_STATEMENTS) !== 0;
    switch (outcome.kind) {
      case 'rejected':
        log.info({ via: login.via, user: login.user, errno: outcome.error.errno }, 'CometQL login refused');
        return this.fail(outcome.error);
      case 'switch':
        this.pending = login;
        this.phase = 'auth-switch';
        return this.reply([buildAuthSwitchRequest(NATIVE_PASSWORD_PLUGIN, this.scramble)]);
      case 'haproxy':
        this.session = new WireSession({ authenticated: false, user: login.user, clientAddress, connectionId, devId: 0, multiStatements });
        this.phase = 'command';
        return this.reply([buildOk()]);
      case 'accepted':
        break;
    }
    const dev = devIdFromUserName(login.user, this.options.devIndexSize);
    if (!dev.ok) {
      log.info({ user: login.user }, 'CometQL login refused: dev_id out of range');
      return this.fail(SqlErrors.authFailure);
    }
    if (dev.nonNumericName) log.warn({ user: login.user }, 'CometQL user name is neither root nor a number; using dev_id 0');
    const session = new WireSession({ authenticated: true, user: login.user, clientAddress, connectionId, devId: dev.devId, multiStatements });
    if (login.database) {
      let error: SqlError | null;
      try {
        error = this.options.engine.selectDatabase(session, login.database);
      } catch (err) {
        log.error({ err }, 'CometQL engine failed selecting the login database');
        error = SqlErrors.internalError;
      }
      if (error) return this.fail(error);
    }
    this.session = session;
    this.phase = 'command';
    this.reader.setMaxPacketSize(this.options.maxPacketSize);
    this.options.onAuthenticated?.();
    log.debug({ via: login.via, user: login.user, devId: session.devId, database: session.database, fastAuth: outcome.fastAuth }, 'CometQL login');
    this.reply(outcome.fastAuth ? [FAST_AUTH_SUCCESS, buildOk()] : [buildOk()]);
  }

  private async onCommand(payload: Buffer): Promise<void> {
    const ctx: commands.CommandContext = {
      session: this.session!,
      engine: this.options.engine,
      statements: this.statements,
      maxQuerySize: this.options.maxQuerySize,
      log: this.options.log,
    };
    const command = payload.length > 0 ? payload[0] : -1;
    switch (command) {
      case Command.QUIT:
        return this.close();
      case Command.CHANGE_USER:
        return this.onChangeUser(payload);
      case Command.QUERY:
        return this.reply(await commands.runQuery(ctx, payload));
      case Command.INIT_DB:
        return this.reply(await commands.initDb(ctx, payload));
      case Command.FIELD_LIST:
        return this.reply([buildEof()]);
      case Command.PING:
        return this.reply([buildOk()]);
      case Command.STATISTICS:
        return this.reply([Buffer.from(this.options.statistics(), 'utf8')]);
      case Command.PROCESS_KILL:
        return this.reply(commands.processKill(payload));
      case Command.SET_OPTION:
        return this.reply(commands.setOption(ctx, payload));
      case Command.RESET_CONNECTION:
        this.statements.clear();
        return this.reply([buildOk()]);
      case Command.STMT_PREPARE:
        return this.reply(await commands.prepare(ctx, payload));
      case Command.STMT_EXECUTE:
        return this.reply(await commands.execute(ctx, payload));
      case Command.STMT_SEND_LONG_DATA:
        commands.sendLongData(ctx, payload);
        return;
      case Command.STMT_CLOSE:
        commands.closeStatement(ctx, payload);
        return;
      case Command.STMT_RESET:
        return this.reply(commands.resetStatement(ctx, payload));
      case Command.STMT_FETCH:
        return this.reply([buildErr(SqlErrors.noCursor)]);
      default:
        return this.reply([buildErr(SqlErrors.unknownCommand)]);
    }
  }

  /** An oversize packet: ERR 11 for a statement (the upstream answer for long queries), else 1153; then close. */
  private rejectOversize(error: WireError): void {
    this.seq = (error.sequenceId + 1) & 0xff;
    const isQuery = this.phase === 'command' && STATEMENT_COMMANDS.has(error.command);
    if (this.session?.authenticated) this.options.log.info({ code: error.code, command: error.command }, 'CometQL packet too large; closing');
    else this.options.onLoginPacketTooLarge?.();
    this.fail(isQuery ? SqlErrors.dataTooLong : SqlErrors.packetTooLarge);
  }

  /** The listener ends this connection (caps, login timeout): ERR in sequence, then close. */
  refuse(error: SqlError): void {
    if (this.phase !== 'closed') this.fail(error);
  }

  private reply(payloads: Buffer[]): void {
    if (this.phase === 'closed') return; // the socket went away while a command was running
    const { data, nextSequenceId } = framePackets(payloads, this.seq);
    this.seq = nextSequenceId;
    this.sink.write(data);
  }

  /** ERR, then close (failed login, oversize packet). */
  private fail(error: SqlError): void {
    this.reply([buildErr(error)]);
    this.close();
  }

  private close(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.pending = null;
    this.queue = [];
    this.queueHead = 0;
    this.statements.clear();
    this.sink.end();
  }
}
