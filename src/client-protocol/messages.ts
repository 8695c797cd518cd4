// Builders for every message the server originates (PROTOCOL.md §3, §6, §7, §10). Pure.
import { Envelope } from './envelope.js';
import { ClientErrors } from '../errors.js';
import { UPSTREAM_VERSION } from '../version.js';

export function serverInfo(authorized: boolean, hash: string, now: number): Envelope {
  return new Envelope({ authorized, data: authorized ? hash : '', event: 'serverInfo', message_send_time: now, pipe: 'sys', server: UPSTREAM_VERSION });
}

/** A pipe message: from CometQL (no user_id) or from a browser (user_id = sender). */
export function pipeMessage(pipe: string, event: string, message: string, now: number, senderId?: number): Envelope {
  return new Envelope({ data: message, event, message_send_time: now, pipe, user_id: senderId });
}

export function privateMessage(event: string, message: string): Envelope {
  return new Envelope({ data: message, event, pipe: 'msg' });
}

export function queuedPrivateMessage(event: string, message: string, time: number): Envelope {
  return new Envelope({ data: message, event, fromQueue: true, message_send_time: time, pipe: 'msg' });
}

export function historyMessage(pipe: string, event: string, message: string, time: number, userId: number): Envelope {
  return new Envelope({ data: message, event, fromQueue: true, history: true, message_send_time: time, pipe, user_id: userId });
}

export function userStatusEvent(userId: number, status: 'online' | 'offline'): Envelope {
  return new Envelope({ data: status, event: status, pipe: `user_status_${userId}` });
}

export function trackEvent(pipe: string, kind: 'subscription' | 'unsubscription', userId: number, uuid: string, now: number): Envelope {
  return new Envelope({ data: { user_id: userId, uuid }, event: kind, message_send_time: now, pipe });
}

export function deliveryReport(pipe: string, message: string, count: number, now: number): Envelope {
  return new Envelope({ data: { message, number_messages: count }, event: 'answer', message_send_time: now, pipe: `_answer_to_${pipe}` });
}

/** Ruling 2: an object that reads both as res.data[1] and res.data.user_in_pipe. */
export function pipeCountAnswer(count: number, marker: string, now: number): Envelope {
  return new Envelope({ data: { '0': 'user_in_pipe', '1': count, user_in_pipe: count }, event: 'user_in_pipe', marker, message_send_time: now, pipe: '_answer_pipe_count' });
}

export function trackPipeUsersAnswer(users: ReadonlyArray<{ user_id: number; uuid: string }>, marker: string, now: number, replyPipe = '_answer'): Envelope {
  return new Envelope({ _info: 'answer for track_pipe_users', data: users, event: 'answer', marker, message_send_time: now, pipe: replyPipe });
}

export function userDataAnswer(userId: number, data: string, marker: string, now: number): Envelope {
  return new Envelope({ data: { user_data: data, user_id: userId }, event: 'answer', marker, message_send_time: now, pipe: '_answer' });
}

export function userStatusAnswer(userId: number, value: number, now: number): Envelope {
  return new Envelope({ data: { data: value, last_online_time: value }, event: `user_status_${userId}`, message_send_time: now, pipe: '_answer_user_status' });
}

/** Any error frame on pipe sys; `data` is built by the caller in sorted key order. */
export function errorFrame(data: Record<string, unknown>, now: number): Envelope {
  return new Envelope({ data, event: 'error', message_send_time: now, pipe: 'sys' });
}

export function handshakeError(text: string, code: number, now: number): Envelope {
  return errorFrame({ error: text, error_code: code, info: ClientErrors.closedInfo }, now);
}
