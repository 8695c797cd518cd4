// Issue 9 #4: one JWT, many spellings (padding, unused low bits). The daemon accepts only the
// canonical text and refuses every spelling of a revoked token, also after a restart.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import { startServer, testStore, type RunningServer } from '../helpers/server.js';
import { CometClient, openCometql } from '../helpers/comet-client.js';
import { jwt, b64url, signSegments, flipLowBit, signatureVariants } from '../helpers/jwt.js';

const dir = mkdtempSync(join(tmpdir(), 'tscomet-jwt-variants-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Does a browser with this session get authorized as `user` (dev_id 1)? */
async function authorized(server: RunningServer, session: string, user: number): Promise<boolean> {
  const c = await CometClient.connect({ port: server.wsPort, devId: 1, session, userId: user });
  c.terminate();
  return c.first.json?.authorized === true;
}

const spellings = (token: string) => [token, ...signatureVariants(token)];

async function tokensListed(sql: mysql.Connection): Promise<string[]> {
  const [rows] = await sql.query('SELECT * FROM revoked_tokens');
  return (rows as Array<{ token: string }>).map((r) => r.token).sort();
}

/** A signed token whose payload segment ends in unused bits that are set (a non-canonical spelling). */
function signedNonCanonicalPayload(user: number, exp: number): string {
  let pad = '';
  while (JSON.stringify({ user_id: user, exp, pad }).length % 3 === 0) pad += 'x';
  return signSegments(b64url('{"alg":"HS256","typ":"JWT"}'), flipLowBit(b64url(JSON.stringify({ user_id: user, exp, pad }))));
}

describe(`JWT spellings and revocation (store=${testStore()})`, () => {
  it('refuses non-canonical spellings; a revocation under any spelling refuses all, survives a restart, and DELETE undoes it', async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const tokenA = jwt({ user_id: 41, exp });
    const tokenB = jwt({ user_id: 42, exp });
    let server = await startServer({ dir });
    let sql = await openCometql(server.cometqlPort, 1);
    try {
      assert.equal(await authorized(server, tokenA, 41), true, 'the canonical token');
      for (const v of signatureVariants(tokenA)) assert.equal(await authorized(server, v, 41), false, `non-canonical spelling ${v}`);
      assert.equal(await authorized(server, signedNonCanonicalPayload(41, exp), 41), false, 'a correctly signed non-canonical payload');

      // Revoking a padded spelling drops the live connection of the canonical token's user.
      const live = await CometClient.connect({ port: server.wsPort, devId: 1, session: tokenA, userId: 41 });
      assert.equal(live.first.json.authorized, true);
      await sql.query(`INSERT INTO revoked_tokens (token) VALUES ('${tokenA}=')`);
      await live.waitClosed();
      await sql.query(`INSERT INTO revoked_tokens (token) VALUES ('${tokenB}')`);
      for (const v of spellings(tokenA)) assert.equal(await authorized(server, v, 41), false, `revoked: ${v}`);
      for (const v of spellings(tokenB)) assert.equal(await authorized(server, v, 42), false, `revoked: ${v}`);
      assert.deepEqual(await tokensListed(sql), [`${tokenA}=`, tokenB].sort(), 'SELECT shows what was inserted');
    } finally {
      await sql.end();
      assert.equal(await server.stop(), 0);
    }

    server = await startServer({ dir, keepData: true });
    sql = await openCometql(server.cometqlPort, 1);
    try {
      for (const v of spellings(tokenA)) assert.equal(await authorized(server, v, 41), false, `revoked after restart: ${v}`);
      for (const v of spellings(tokenB)) assert.equal(await authorized(server, v, 42), false, `revoked after restart: ${v}`);
      assert.deepEqual(await tokensListed(sql), [`${tokenA}=`, tokenB].sort());

      await sql.query(`DELETE FROM revoked_tokens WHERE token = '${tokenA}='`);
      assert.equal(await authorized(server, tokenA, 41), true, 'DELETE of the inserted text undoes the revocation');
      for (const v of signatureVariants(tokenA)) assert.equal(await authorized(server, v, 41), false, `still non-canonical: ${v}`);
      assert.equal(await authorized(server, tokenB, 42), false, 'the other revocation stays');
      assert.deepEqual(await tokensListed(sql), [tokenB]);
    } finally {
      await sql.end();
      await server.stop();
    }
  });
});
