// What travels between nodes (docs/DESIGN.md, "Cluster: keys and message flow"): plain, JSON-safe
// fields only, never an Envelope or a Connection, so any broker can carry it.

/** A message to a pipe: delivered to the pipe's local subscribers on every subscribed node. */
export interface PipePublication {
  readonly kind: 'pipe';
  readonly dev: number;
  readonly pipe: string;
  readonly event: string;
  readonly data: string;
  /** Unix time in seconds, stamped once by the origin node. */
  readonly time: number;
  /** Sender's user id, 0 for CometQL and anonymous senders. */
  readonly userId: number;
  /** Node id of the publisher. */
  readonly origin: string;
  /** Connection id (on the origin node) that must not get its own message back. */
  readonly exclude?: number;
}

/** A private message (users_messages) to every connection of one user, on the user's inbox channel. */
export interface UserPublication {
  readonly kind: 'user';
  readonly dev: number;
  readonly user: number;
  readonly event: string;
  readonly data: string;
  readonly time: number;
  readonly origin: string;
}

/** Changes that every node must apply at once (SERVER.md 4.6 item 6; auth, tokens, settings). */
export type ControlOp =
  | 'auth.set'
  | 'auth.delete'
  | 'token.revoke'
  | 'token.unrevoke'
  | 'userData.set'
  | 'userData.delete'
  | 'pipeSettings.set'
  | 'pipeSettings.delete'
  | 'history.delete';

/** A control message to every node (on the one control channel every node subscribes at start). */
export interface ControlPublication {
  readonly kind: 'control';
  readonly dev: number;
  readonly op: ControlOp;
  readonly origin: string;
  readonly user?: number;
  readonly pipe?: string;
  readonly token?: string;
  /** New value where the op carries one (auth hash, users_data text, history length as text). */
  readonly value?: string;
}

export type Publication = PipePublication | UserPublication | ControlPublication;
