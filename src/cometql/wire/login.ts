// Login decisions (COMETQL.md §2.4, §2.5), pure: which answer a login or COM_CHANGE_USER gets.
import { SqlErrors, type SqlError } from '../../errors.js';
import { verifyCachingSha2FastAuth, verifyNativePassword } from './auth.js';
import { CACHING_SHA2_PLUGIN, Capability, NATIVE_PASSWORD_PLUGIN, SCRAMBLE_LENGTH } from './constants.js';

const HAPROXY_USER_PREFIX = 'haproxy_check';
const CACHING_SHA2_TOKEN_LENGTH = 32;
const MAX_DEV_ID = 0x7fffffff;

export type DevIdResult =
  | { readonly ok: true; readonly devId: number; /** A name upstream maps to -1; TsComet uses dev 0 and warns. */ readonly nonNumericName: boolean }
  | { readonly ok: false };

/** root, '' and digits name a dev_id; digits >= devIndexSize or > 2^31-1 are refused. */
export function devIdFromUserName(user: string, devIndexSize: number): DevIdResult {
  if (user === 'root' || user === '') return { ok: true, devId: 0, nonNumericName: false };
  if (!/^[0-9]+$/.test(user)) return { ok: true, devId: 0, nonNumericName: true };
  const digits = user.replace(/^0+(?=.)/, '');
  if (digits.length > 10) return { ok: false };
  const devId = Number(digits);
  if (devId > MAX_DEV_ID || devId >= devIndexSize) return { ok: false };
  return { ok: true, devId, nonNumericName: false };
}

export interface Credentials {
  readonly user: string;
  readonly authResponse: Buffer;
  /** Plugin the client used for authResponse; null = not named (mysql_native_password). */
  readonly authPlugin: string | null;
  readonly clientCapabilities: number;
}

export type AuthOutcome =
  /** haproxy_check without password: OK, but the session stays unauthenticated (queries get 403). */
  | { readonly kind: 'haproxy' }
  /** Password correct; fastAuth = answer `01 03` before the OK (caching_sha2_password). */
  | { readonly kind: 'accepted'; readonly fastAuth: boolean }
  /** Ask the client to answer again with mysql_native_password (AuthSwitchRequest). */
  | { readonly kind: 'switch' }
  | { readonly kind: 'rejected'; readonly error: SqlError };

function checkNative(password: Buffer, scramble: Buffer, response: Buffer): AuthOutcome {
  if (password.length === 0) {
    return response.length === 0 ? { kind: 'accepted', fastAuth: false } : { kind: 'rejected', error: SqlErrors.authFailure };
  }
  if (response.length !== SCRAMBLE_LENGTH) return { kind: 'rejected', error: SqlErrors.authDataLen };
  return verifyNativePassword(password, scramble, response)
    ? { kind: 'accepted', fastAuth: false }
    : { kind: 'rejected', error: SqlErrors.authFailure };
}

/** The first answer to a login packet or COM_CHANGE_USER. */
export function checkCredentials(credentials: Credentials, password: Buffer, scramble: Buffer): AuthOutcome {
  const { user, authResponse, clientCapabilities } = credentials;
  if (authResponse.length === 0 && user.startsWith(HAPROXY_USER_PREFIX)) return { kind: 'haproxy' };
  const canSwitch = (clientCapabilities & Capability.PLUGIN_AUTH) !== 0;
  const plugin = credentials.authPlugin || NATIVE_PASSWORD_PLUGIN;
  if (plugin === CACHING_SHA2_PLUGIN && authResponse.length === CACHING_SHA2_TOKEN_LENGTH) {
    return verifyCachingSha2FastAuth(password, scramble, authResponse)
      ? { kind: 'accepted', fastAuth: true }
      : { kind: 'rejected', error: SqlErrors.authFailure };
  }
  if (plugin === NATIVE_PASSWORD_PLUGIN || !canSwitch) {
    if (authResponse.length === 0 && password.length > 0 && canSwitch) return { kind: 'switch' };
    return checkNative(password, scramble, authResponse);
  }
  // Another plugin (or a caching_sha2 answer of the wrong size): an empty password needs no switch.
  if (password.length === 0 && authResponse.length === 0) return { kind: 'accepted', fastAuth: false };
  return { kind: 'switch' };
}

/** The client's answer to our AuthSwitchRequest for mysql_native_password. */
export function checkSwitchResponse(response: Buffer, password: Buffer, scramble: Buffer): AuthOutcome {
  return checkNative(password, scramble, response);
}
