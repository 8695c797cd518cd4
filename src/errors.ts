// One catalogue for every error TsComet reports: CometQL errors (errno, SQLSTATE, text) and
// client-protocol error texts. Nothing else in the code base invents error strings.

export interface SqlError {
  readonly errno: number;
  readonly sqlState: string;
  readonly message: string;
}

function sqlError(errno: number, message: string, sqlState = 'HY000'): SqlError {
  return Object.freeze({ errno, sqlState, message });
}

/** CometQL codes (COMETQL.md §6.3), texts byte-exact with upstream. */
export const SqlErrors = {
  orderByNotImplemented: sqlError(2, 'Token ORDER BY is not yet implemented'),
  orNotImplemented: sqlError(2, 'Operator OR is not yet implemented'),
  syntax: sqlError(3, 'Syntax error in query'),
  readOnly: (table: string) => sqlError(10, `Table \`${table}\` is read only`),
  conferenceMembersInsert: sqlError(10, 'insert into `conference_members` is not ready yet'),
  conferenceMembersDelete: sqlError(10, 'delete from `conference_members` is not ready yet'),
  dialogsNotReady: sqlError(10, 'Table `dialogs` is not ready yet'),
  dataTooLong: sqlError(11, 'Data is too long'),
  channelNameTooLong: sqlError(11, 'Channel name is too long'),
  eventNameTooLong: sqlError(11, 'Channel event_name is too long'),
  hashTooLong: sqlError(11, 'Hash string is too long'),
  fieldRequired: (field: string) => sqlError(12, `field \`${field}\` is required`),
  idNonNegative: sqlError(12, 'The id field must be non-negative'),
  userIdNonNegative: sqlError(12, 'The user_id field must be non-negative'),
  invalidChannelName: sqlError(12, 'The channel name can contain only the characters A-Za-z0-9_-'),
  invalidHashChars: sqlError(12, 'Contains an invalid characters in the string hash'),
  userDataWriteFailed: sqlError(12, 'Error in hash or user id'),
  tokenWriteFailed: sqlError(12, 'Error in token'),
  invalidDataFormat: sqlError(12, 'Invalid data format'),
  /** TsComet: a durable write (auth, data, settings, queue) could not be stored. */
  storageUnavailable: sqlError(12, 'Storage is unavailable, the write was not accepted'),
  selectWithoutKey: sqlError(13, 'Selection without transferring the requested values of the primary key is not supported'),
  deleteWithoutKey: sqlError(13, 'Deleting without transferring the requested values of the primary key is not supported'),
  selectColumnTwice: sqlError(13, 'Each column in the select used only once'),
  conditionColumnTwice: sqlError(13, 'Each column in the conditions used only once'),
  insertColumnTwice: sqlError(13, 'Each column in the insert used only once'),
  notAColumn: sqlError(14, 'Not a specific column'),
  columnsList: sqlError(14, 'Error in columns list'),
  tableNotExist: sqlError(15, "Table doesn't exist"),
  selectDatabase: sqlError(15, 'Select database failure'),
  authFailure: sqlError(16, 'Authentication failure'),
  authDataLen: sqlError(16, 'Authentication failure, authDataLen!=20'),
  invalidDevId: sqlError(16, 'Invalid dev_id value'),
  dataTooShort: sqlError(17, 'Data is too short'),
  channelNameTooShort: sqlError(17, 'Channel name is too short'),
  tooManyConditions: sqlError(18, 'Error in expression list, too many conditions.'),
  tooManyValues: sqlError(19, 'Error in expression list, too many values.'),
  tooManyColumns: sqlError(20, 'Error in columns list, too many columns.'),
  tooManyNames: sqlError(21, 'Error in names list, too many names.'),
  accessDenied: sqlError(403, 'Access denied'),
  sipNotConfigured: sqlError(500, 'field in ini file not set option `host` in section `sip`'),
  // Standard MySQL numbers for situations only TsComet has (COMETQL.md §6.3 last paragraph).
  unknownCommand: sqlError(1047, 'Unknown command', '08S01'),
  unknownThread: (id: number) => sqlError(1094, `Unknown thread id: ${id}`),
  unknownStatement: sqlError(1243, 'Unknown prepared statement handler', 'HY000'),
  tooManyStatements: sqlError(1461, "Can't create more than max_prepared_stmt_count statements", '42000'),
  noCursor: sqlError(1295, 'This command is not supported in the prepared statement protocol yet', 'HY000'),
  /** Over the CometQL connection caps (an unauthenticated connection also gets it when a newer one takes its place). */
  tooManyConnections: sqlError(1040, 'Too many connections', '08004'),
  /** No login within `[cometql] login_timeout` (MySQL's answer to connect_timeout). */
  loginTimeout: sqlError(1159, 'Got timeout reading communication packets', '08S01'),
  packetTooLarge: sqlError(1153, "Got a packet bigger than 'max_allowed_packet' bytes", '08S01'),
  /** TsComet: an unexpected exception while running a statement (logged; the connection stays usable). */
  internalError: sqlError(500, 'internal server error'),
  malformedPacket: sqlError(1835, 'Malformed communication packet', '08S01'),
  /** SHOW FILESYSTEM STATUS could not read the file system (upstream: `df` failed). */
  execCommandFailed: sqlError(500, 'exec command failed'),
} as const;

/** Client-protocol error texts (PROTOCOL.md §2.5, §6, §8.1, §10), byte-exact with upstream. */
export const ClientErrors = {
  noSession: 'Error code 401(Invalid request, session ID not found)',
  noUserId: 'Error code 401(Invalid request, the user ID can not be found)',
  noPublicKey: 'Error code 406(Invalid request, no public key found [1])',
  noVersion: 'Error code 418(Invalid request Not assigned client api version)\n',
  badOrigin: 'Error code 423(Access denied, Request from unauthorized domain.)',
  closedInfo: 'Closed due to error. See last message.',
  tooManyLetters: 'Too many letters',
  channelNameTooLong: 'Channel name is too long',
  pipeBadChars: 'The channel name can only contain characters A-Za-z0-9_-',
  pipeBadLength: 'Invalid pipe name length',
  eventBadChars: 'The event name can only contain characters A-Za-z0-9_-',
  eventBadLength: 'Invalid event name length',
  webPrefix: '[pipe_msg2] Invalid channel name. The channel should begin with web_',
  webauthAnonymous: '[webauth_pipe_msg2] Invalid user auth. In to channel with name like webauth_* can not send messages anonim users',
  authType: 'Invalid value auth_type',
  pipeLogChannel: 'Invalid channel name.',
  pipeLogMarker: 'Invalid marker value.',
  pipeCountName: 'Invalid pipe name.',
  pipeCountPrefix: '[pipe_count] Invalid channel name. The channel should start with web_',
  trackPrefix: '[track_pipe_users] Invalid channel name. The channel should start with track_',
  markerName: 'Invalid marker name.',
  userId: 'Invalid user id',
  /** TsComet: more web_ publishes in one second than [ws] web_publish_rate allows. */
  tooManyMessages: 'Too many messages per second',
} as const;

/** Plain HTTP answers to a WebSocket handshake that RFC 6455 §4.2.1 rejects (TsComet, docs/COMPATIBILITY.md B26). */
export const HandshakeErrors = {
  httpVersion: 'A WebSocket handshake needs HTTP/1.1 or later.\n',
  upgradeHeader: 'A WebSocket handshake needs Upgrade: websocket and Connection: Upgrade.\n',
  key: 'A WebSocket request needs a Sec-WebSocket-Key header (16 bytes, base64).\n',
  noVersion: 'A WebSocket handshake needs a Sec-WebSocket-Version header.\n',
  version: 'Only WebSocket version 13 is supported.\n',
} as const;

/** TsComet: plain-text bodies of refused long-poll requests (HTTP status per docs/OPERATIONS.md). */
export const HttpErrors = {
  pollSessionLimit: 'Too many long-poll sessions; retry after the Retry-After seconds\n',
} as const;

/** Cluster seam errors (docs/DESIGN.md, "Cluster: keys and message flow"): what a rejected broker or presence call says. */
export const ClusterErrors = {
  unavailable: 'Cluster bus is unavailable (Redis is not connected)',
  timeout: 'Cluster bus did not answer in time',
  closed: 'Cluster bus is closed',
  reply: 'Cluster bus refused the command',
} as const;
