// revoked_tokens (COMETQL.md §4.9): the JWT deny-list; revoking a valid token disconnects its user.
import { Buffer } from 'node:buffer';
import { SqlErrors } from '../../errors.js';
import { MAX_TOKEN_LENGTH } from '../../core/names.js';
import { ok, fail } from '../result.js';
import { columns, durably, missingField, TEXT, type Row, type TableDef } from './table.js';

const REQUIRED = ['token'] as const;

/** Tokens longer than 600 bytes are stored cut to 599 (upstream VARBINARY(600) handling). */
function storedToken(token: string): string {
  if (token.length <= MAX_TOKEN_LENGTH / 3) return token;
  const bytes = Buffer.from(token, 'utf8');
  return bytes.length > MAX_TOKEN_LENGTH ? bytes.subarray(0, MAX_TOKEN_LENGTH - 1).toString('utf8') : token;
}

export const revokedTokensTable: TableDef = {
  name: 'revoked_tokens',
  columns: columns([['token', TEXT]]),
  key: 'token',
  selectKeys: null, // the only table whose SELECT may omit WHERE: lists every token
  deleteKeys: ['token'],
  deleteKeyError: SqlErrors.deleteWithoutKey,

  select(ctx, where) {
    const listed = where.get('token');
    const revoked = ctx.core.auth.revoked;
    if (!listed) return [...revoked.tokens(ctx.dev)].map((t) => [t]);
    const out: Row[] = [];
    for (const token of listed) if (revoked.has(ctx.dev, token)) out.push([token]);
    return out;
  },

  async insert(ctx, fields) {
    const missing = missingField(fields, REQUIRED);
    if (missing) return fail(missing);
    const err = await durably(ctx.core.revokeToken(ctx.dev, storedToken(fields.get('token')!)), SqlErrors.tokenWriteFailed);
    return err ? fail(err) : ok(1, 1);
  },

  async delete(ctx, where) {
    const err = await durably(Promise.all((where.get('token') ?? []).map((t) => ctx.core.unrevokeToken(ctx.dev, t))));
    return err ? fail(err) : ok();
  },
};
