// The per-connection protocol handler (PROTOCOL.md §6): one inbound command in, Envelopes out
// through the Connection, a verdict back. Stateless by design — all connection state lives in the
// Connection and the core, so an idle socket costs no extra object.
import type { CometCore } from '../core/comet.js';
import type { Connection } from '../core/connection.js';
import { ClientErrors } from '../errors.js';
import { parseCommand, type ClientCommand } from './commands.js';
import { parseSubscriptionList } from './subscription-list.js';
import { nameFault, pipeNameError, eventNameError, commandError } from './name-check.js';
import * as msg from './messages.js';
import type { Envelope } from './envelope.js';
import type { HistoryRow } from '../storage/storage.js';

/** What the transport must do after a command: keep the connection or end it (no close frame). */
export type SessionVerdict = 'keep' | 'close';

type CommandOf<K extends ClientCommand['kind']> = Extract<ClientCommand, { kind: K }>;

/** Handle one complete inbound text frame. */
export function handleClientFrame(core: CometCore, conn: Connection, frame: string): SessionVerdict {
  const cmd = parseCommand(frame);
  switch (cmd.kind) {
    case 'subscription':
      return subscribe(core, conn, cmd.args);
    case 'web_pipe2':
      webPipe2(core, conn, cmd);
      return 'keep';
    case 'pipe_log':
      pipeLog(core, conn, cmd);
      return 'keep';
    case 'pipe_count':
      pipeCount(core, conn, cmd);
      return 'keep';
    case 'track_pipe_users':
      trackPipeUsers(core, conn, cmd);
      return 'keep';
    case 'user_data':
      userData(core, conn, cmd);
      return 'keep';
    case 'user_status':
      if (cmd.userId !== undefined) conn.send(msg.userStatusAnswer(cmd.userId, core.now() - core.userTime(conn.devId, cmd.userId), core.now()));
      return 'keep';
    case 'CometQL_call':
      // Upstream validates the marker, checks the JWT and then does nothing (§6.9).
      checkMarker(core, conn, cmd.marker);
      return 'keep';
    case 'statistics':
    case 'cgi_call':
      return 'keep';
    case 'unknown':
      return 'close';
  }
}

/** §6.1: replace the subscriptions; limits give error frames, some of them close. */
function subscribe(core: CometCore, conn: Connection, args: string): SessionVerdict {
  const list = parseSubscriptionList(args, core.limits.maxSubscriptions);
  core.requestSubscriptions(conn, list.names);
  switch (list.problem) {
    case undefined:
      return 'keep';
    case 'tooManyNames':
      core.log.warn({ conn: conn.id, max: core.limits.maxSubscriptions }, 'limit hit: too many subscriptions');
      conn.send(msg.errorFrame({ code: '403', error: ClientErrors.tooManyLetters }, core.now()));
      return 'keep';
    case 'textTooLong':
      conn.send(msg.errorFrame({ code: '403', error: ClientErrors.tooManyLetters }, core.now()));
      return 'close';
    case 'nameTooLong':
      conn.send(msg.errorFrame({ code: '403', error: ClientErrors.channelNameTooLong }, core.now()));
      return 'close';
  }
}

/** §6.2: validation in upstream's order, then fan-out (sender excluded), then the report. */
function webPipe2(core: CometCore, conn: Connection, cmd: CommandOf<'web_pipe2'>): void {
  const now = core.now();
  if (overRate(core, conn, now)) {
    conn.send(commandError(ClientErrors.tooManyMessages, now));
    return;
  }
  let pipe = cmd.pipe;
  let anonymous = false;
  if (pipe.startsWith('@web_')) {
    pipe = pipe.slice(1);
    anonymous = true;
  } else if (pipe.startsWith('webauth_')) {
    if (!conn.authorized) {
      conn.send(commandError(ClientErrors.webauthAnonymous, now));
      return;
    }
  } else if (!pipe.startsWith('web_')) {
    conn.send(commandError(ClientErrors.webPrefix, now));
    return;
  }
  const pipeFault = nameFault(pipe);
  if (pipeFault) {
    conn.send(pipeNameError(pipeFault, now));
    return;
  }
  const eventFault = nameFault(cmd.event);
  if (eventFault) {
    conn.send(eventNameError(eventFault, now));
    return;
  }
  if (cmd.authType === undefined) {
    conn.send(commandError(ClientErrors.authType, now));
    return;
  }
  const senderId = anonymous ? 0 : conn.userId;
  // Ruling 3: the raw text goes into data and into the report; ruling 11: N = frames written.
  const written = core.publish(conn.devId, pipe, cmd.event, cmd.message, { conn, userId: senderId });
  conn.send(msg.deliveryReport(pipe, cmd.message, written, core.now()));
}

/** Per-connection web_ publish rate (a window per second kept on the connection; no timers). */
function overRate(core: CometCore, conn: Connection, now: number): boolean {
  const limit = core.limits.webPublishRate;
  if (limit <= 0) return false;
  if (conn.rateSecond !== now) {
    conn.rateSecond = now;
    conn.rateCount = 0;
  }
  if (++conn.rateCount <= limit) return false;
  if (conn.rateCount === limit + 1) core.log.warn({ conn: conn.id, limit }, 'limit hit: web_ publishes per second');
  return true;
}

/** A generic name error plus the command's own follow-up error; true when the name is fine. */
function checkName(core: CometCore, conn: Connection, name: string, followUp: string): boolean {
  const fault = nameFault(name);
  if (!fault) return true;
  const now = core.now();
  conn.send(pipeNameError(fault, now));
  conn.send(commandError(followUp, now));
  return false;
}

function ignoreProgress(): void {
  // a replay has nothing to settle per message
}

/**
 * One Envelope per stored row, shared by every replay of it: its serialized and framed bytes are
 * built once, however many connections ask for the history (held while the row is).
 */
const replayed = new WeakMap<HistoryRow, Envelope>();

function replayEnvelope(row: HistoryRow): Envelope {
  let e = replayed.get(row);
  if (e === undefined) replayed.set(row, (e = msg.historyMessage(row.pipe, row.event, row.message, row.time, row.userId)));
  return e;
}

/** §6.3: replay the stored messages, oldest first; history:true and never a marker (ruling 6). */
function pipeLog(core: CometCore, conn: Connection, cmd: CommandOf<'pipe_log'>): void {
  if (!checkName(core, conn, cmd.pipe, ClientErrors.pipeLogChannel)) return;
  if (!checkName(core, conn, cmd.marker, ClientErrors.pipeLogMarker)) return;
  const rows = core.pipeHistory(conn.devId, cmd.pipe);
  if (rows.length === 0) return;
  void conn.sendBulk(rows.map(replayEnvelope), ignoreProgress);
}

/** §6.4: connections subscribed to a web_/track_ pipe here (ruling 2 reply shape). */
function pipeCount(core: CometCore, conn: Connection, cmd: CommandOf<'pipe_count'>): void {
  if (!checkName(core, conn, cmd.pipe, ClientErrors.pipeCountName)) return;
  if (!checkName(core, conn, cmd.marker, ClientErrors.pipeCountName)) return;
  const now = core.now();
  if (!cmd.pipe.startsWith('web_') && !cmd.pipe.startsWith('track_')) {
    conn.send(commandError(ClientErrors.pipeCountPrefix, now));
    return;
  }
  conn.send(msg.pipeCountAnswer(core.hub.count(conn.devId, cmd.pipe), cmd.marker, now));
}

/**
 * §6.5: subscribers of a track_ pipe, newest first. Legacy (v3.25) connections get the reply on
 * the track pipe itself instead of `_answer`, the only pipe v3.25's callback listens on.
 */
function trackPipeUsers(core: CometCore, conn: Connection, cmd: CommandOf<'track_pipe_users'>): void {
  const now = core.now();
  if (!cmd.pipe.startsWith('track_')) {
    conn.send(msg.errorFrame({ error: ClientErrors.trackPrefix, user_id: -1 }, now));
    return;
  }
  const users: Array<{ user_id: number; uuid: string }> = [];
  for (const c of core.hub.subscribers(conn.devId, cmd.pipe)) users.push({ user_id: c.userId, uuid: c.uuid });
  users.reverse(); // the hub keeps oldest first; upstream lists newest first
  conn.send(msg.trackPipeUsersAnswer(users, cmd.marker, now, conn.legacy ? cmd.pipe : '_answer'));
}

function userDataError(text: string, now: number) {
  return msg.errorFrame({ error: text, user_data: '', user_id: -1 }, now);
}

/** Marker check of user_data / CometQL_call (§6.6): generic error plus "Invalid marker name.". */
function checkMarker(core: CometCore, conn: Connection, marker: string): boolean {
  const fault = nameFault(marker);
  if (!fault) return true;
  const now = core.now();
  conn.send(pipeNameError(fault, now));
  conn.send(userDataError(ClientErrors.markerName, now));
  return false;
}

/** §6.6: any user's public data, always as a string ("" when none). */
function userData(core: CometCore, conn: Connection, cmd: CommandOf<'user_data'>): void {
  if (!checkMarker(core, conn, cmd.marker)) return;
  const now = core.now();
  if (cmd.userId === undefined) {
    conn.send(userDataError(ClientErrors.userId, now));
    return;
  }
  conn.send(msg.userDataAnswer(cmd.userId, core.userData.get(conn.devId, cmd.userId) ?? '', cmd.marker, now));
}
