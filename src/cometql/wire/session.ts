// One CometQL session per (re-)login of a connection: the state COMETQL.md §1 lists.
import type { CometqlSession } from '../result.js';

export interface WireSessionInit {
  readonly authenticated: boolean;
  readonly user: string;
  readonly clientAddress: string;
  readonly connectionId: number;
  readonly devId: number;
  readonly multiStatements: boolean;
}

export class WireSession implements CometqlSession {
  devId: number;
  database = '';
  multiStatements: boolean;
  readonly authenticated: boolean;
  readonly user: string;
  readonly clientAddress: string;
  readonly connectionId: number;

  constructor(init: WireSessionInit) {
    this.authenticated = init.authenticated;
    this.user = init.user;
    this.clientAddress = init.clientAddress;
    this.connectionId = init.connectionId;
    this.devId = init.devId;
    this.multiStatements = init.multiStatements;
  }
}
