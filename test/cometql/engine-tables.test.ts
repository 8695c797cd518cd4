// The table scenarios of COMETQL.md §10.3 (#33–#51) and §10.4 (#59–#61), run through
// engine.query() on a real CometCore, with recording browser links for the real-time side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { harness, session, PASSWORD } from '../helpers/engine-harness.js';
import { SqlErrors } from '../../src/errors.js';
import { ok, fail, rows } from '../../src/cometql/result.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('#33 INSERT INTO pipes_messages: OK 0/0 and the exact frame to the subscriber', async () => {
  const h = harness();
  const { link } = await h.connect({ pipes: ['web_chat'] });
  const r = await h.q(`INSERT INTO pipes_messages (name, event, message) VALUES ('web_chat', 'newMessage', '{"text":"hi"}')`);
  assert.deepEqual(r, ok(0, 0));
  assert.deepEqual(link.frames.slice(1), ['{"data":"{\\"text\\":\\"hi\\"}","event":"newMessage","message_send_time":1700000000,"pipe":"web_chat"}']);
});

test('#34 pipe and event name checks, in order', async () => {
  const h = harness();
  const ins = (name: string, event: string) => h.q(`INSERT INTO pipes_messages (name, event, message) VALUES ('${name}', '${event}', 'm')`);
  assert.deepEqual(await ins('ab', 'e'), fail(SqlErrors.channelNameTooShort));
  assert.deepEqual(await ins('a'.repeat(65), 'e'), fail(SqlErrors.channelNameTooLong));
  assert.deepEqual(await ins('bad name', 'e'), fail(SqlErrors.invalidChannelName));
  assert.deepEqual(await ins('abc', 'e v'), fail(SqlErrors.invalidChannelName));
  assert.deepEqual(await ins('abc', 'e'.repeat(65)), fail(SqlErrors.eventNameTooLong));
  assert.deepEqual(await ins('a'.repeat(64), 'e'.repeat(64)), ok());
  // Lengths are in bytes: 30 two-byte letters are 60 bytes (characters fail), 33 are 66 (too long).
  assert.deepEqual(await ins('\u0436'.repeat(30), 'e'), fail(SqlErrors.invalidChannelName));
  assert.deepEqual(await ins('\u0436'.repeat(33), 'e'), fail(SqlErrors.channelNameTooLong));
  assert.deepEqual(await ins('\u0436', 'e'), fail(SqlErrors.channelNameTooShort)); // 2 bytes
  assert.deepEqual(await ins('abc', '\u0436'.repeat(33)), fail(SqlErrors.eventNameTooLong));
  assert.deepEqual(SqlErrors.channelNameTooShort, { errno: 17, sqlState: 'HY000', message: 'Channel name is too short' });
  assert.deepEqual(SqlErrors.channelNameTooLong, { errno: 11, sqlState: 'HY000', message: 'Channel name is too long' });
  assert.deepEqual(SqlErrors.invalidChannelName, { errno: 12, sqlState: 'HY000', message: 'The channel name can contain only the characters A-Za-z0-9_-' });
  assert.deepEqual(SqlErrors.eventNameTooLong, { errno: 11, sqlState: 'HY000', message: 'Channel event_name is too long' });
});

test('#35 INSERT column mapping and required fields', async () => {
  const h = harness();
  assert.deepEqual(await h.q("INSERT INTO pipes_messages VALUES ('p1','e','m')"), fail(SqlErrors.columnsList));
  assert.deepEqual(await h.q("INSERT INTO pipes_messages (name, event) VALUES ('p1','e')"), fail(SqlErrors.fieldRequired('message')));
  assert.deepEqual(await h.q("INSERT INTO pipes_messages (event, message) VALUES ('e','m')"), fail(SqlErrors.fieldRequired('name')));
  assert.deepEqual(await h.q("INSERT INTO pipes_messages (name, message) VALUES ('p1','m')"), fail(SqlErrors.fieldRequired('event')));
  assert.deepEqual(await h.q("INSERT INTO pipes_messages (name, event, message) VALUES ('p1','e')"), fail(SqlErrors.columnsList));
  assert.deepEqual(await h.q("INSERT INTO pipes_messages (name, event, nope) VALUES ('p1','e','m')"), fail(SqlErrors.notAColumn));
  assert.deepEqual(await h.q("INSERT INTO pipes_messages (name, name, message) VALUES ('p1','e','m')"), fail(SqlErrors.insertColumnTwice));
  // Columns the table defines but does not use are accepted and ignored.
  assert.deepEqual(await h.q("INSERT INTO pipes_messages (id, time, index, user_id, name, event, message) VALUES (1, 2, 3, 4, 'p1x', 'e', 'm')"), ok());
  // Seven values without a list fill every column in order.
  assert.deepEqual(await h.q("INSERT INTO pipes_messages VALUES ('i', 't', 'p1x', 'x', 'e', 'm', 'u')"), ok());
  assert.deepEqual(SqlErrors.fieldRequired('message'), { errno: 12, sqlState: 'HY000', message: 'field `message` is required' });
  assert.deepEqual(SqlErrors.columnsList, { errno: 14, sqlState: 'HY000', message: 'Error in columns list' });
  assert.deepEqual(SqlErrors.notAColumn, { errno: 14, sqlState: 'HY000', message: 'Not a specific column' });
  assert.deepEqual(SqlErrors.insertColumnTwice, { errno: 13, sqlState: 'HY000', message: 'Each column in the insert used only once' });
});

test('#36 several VALUES tuples: ERR 3', async () => {
  const h = harness();
  assert.deepEqual(await h.q("INSERT INTO pipes_messages (name, event, message) VALUES ('p1','e','a'), ('p2','e','b')"), fail(SqlErrors.syntax));
});

test('#37 messages are delivered raw: it\\\'s and it\'\'s', async () => {
  const h = harness();
  const { link } = await h.connect({ pipes: ['web_chat'] });
  await h.q("INSERT INTO pipes_messages (name, event, message) VALUES ('web_chat', 'e', 'it\\'s')");
  await h.q("INSERT INTO pipes_messages (name, event, message) VALUES ('web_chat', 'e', 'it''s')");
  assert.deepEqual(link.messages().map((m) => m.data), ["it\\'s", "it''s"]);
  // Ruling 3: apostrophes travel as \u0027 inside the JSON text.
  assert.ok(link.frames[1].includes('it\\\\\\u0027s'));
});

test('decode_escapes = true applies MySQL literal rules to delivered messages', async () => {
  const h = harness({ ini: '[cometql]\ndecode_escapes = true\n' });
  const { link } = await h.connect({ pipes: ['web_chat'] });
  await h.q("INSERT INTO pipes_messages (name, event, message) VALUES ('web_chat', 'e', 'it\\'s\\n')");
  await h.q("INSERT INTO pipes_messages (name, event, message) VALUES ('web_chat', 'e', 'it''s')");
  assert.deepEqual(link.messages().map((m) => m.data), ["it's\n", "it's"]);
});

test('#38 pipes: a row per valid name, subscriber counts, invalid names skipped, duplicates kept', async () => {
  const h = harness();
  await h.connect({ pipes: ['web_a'] });
  await h.connect({ pipes: ['web_a', 'web_b2'] });
  await h.connect({ dev: 1, pipes: ['web_a'] }); // another tenant
  assert.deepEqual(await h.q("SELECT * FROM pipes WHERE name IN ('web_a', 'x', 'web_b')"), rows(['name', 'users'], [['web_a', '2'], ['web_b', '0']]));
  assert.deepEqual(await h.q("SELECT users FROM pipes WHERE name IN ('web_a', 'web_a')"), rows(['users'], [['2'], ['2']]));
  // The operator is ignored: LIKE looks for a pipe literally named web% (invalid, skipped).
  assert.deepEqual(await h.q("SELECT * FROM pipes WHERE name LIKE 'web%'"), rows(['name', 'users'], []));
  assert.deepEqual(await h.q("SELECT * FROM pipes WHERE name > 'web_a'"), rows(['name', 'users'], [['web_a', '2']]));
});

test('#39 SELECT without the key: ERR 13', async () => {
  const h = harness();
  assert.deepEqual(await h.q('SELECT * FROM pipes'), fail(SqlErrors.selectWithoutKey));
  assert.deepEqual(await h.q('SELECT * FROM users_time WHERE time = 5'), fail(SqlErrors.selectWithoutKey));
  assert.deepEqual(SqlErrors.selectWithoutKey, { errno: 13, sqlState: 'HY000', message: 'Selection without transferring the requested values of the primary key is not supported' });
});

test('#40 pipes_settings + history: newest `length` messages, index, user_id, uuid; DELETE drops both', async () => {
  const h = harness();
  assert.deepEqual(await h.q("INSERT INTO pipes_settings (name, length) VALUES ('p10', 2)"), ok(1, 0));
  for (const m of ['m1', 'm2', 'm3']) {
    h.now++;
    assert.deepEqual(await h.q(`INSERT INTO pipes_messages (name, event, message) VALUES ('p10', 'ev', '${m}')`), ok(0, 0));
  }
  const r = await h.q("SELECT * FROM pipes_messages WHERE name = 'p10'");
  assert.ok(r.kind === 'rows');
  assert.deepEqual(r.columns, ['id', 'time', 'name', 'index', 'event', 'message', 'user_id']);
  assert.equal(r.rows.length, 2);
  assert.deepEqual(r.rows.map((x) => x.slice(1)), [
    [String(1_700_000_002), 'p10', '0', 'ev', 'm2', '0'],
    [String(1_700_000_003), 'p10', '1', 'ev', 'm3', '0'],
  ]);
  for (const x of r.rows) assert.match(x[0], UUID);
  assert.deepEqual(await h.q("SELECT * FROM pipes_settings WHERE name = 'p10'"), rows(['name', 'length'], [['p10', '2']]));
  assert.deepEqual(await h.q("DELETE FROM pipes_settings WHERE name = 'p10'"), ok());
  assert.deepEqual(await h.q("SELECT * FROM pipes_messages WHERE name = 'p10'"), rows(r.columns, []));
  assert.deepEqual(await h.q("SELECT * FROM pipes_settings WHERE name = 'p10'"), rows(['name', 'length'], []));
});

test('pipes_settings: length default 0 (row kept), clamped to 1000, negative → 1000; name checks', async () => {
  const h = harness();
  assert.deepEqual(await h.q("INSERT INTO pipes_settings (name) VALUES ('p0x')"), ok(1, 0));
  assert.deepEqual(await h.q("INSERT INTO pipes_settings VALUES ('big', 5000)"), ok(1, 0));
  assert.deepEqual(await h.q("INSERT INTO pipes_settings (\"name\", \"length\") VALUES ('neg', '-3')"), ok(1, 0));
  assert.deepEqual(await h.q("INSERT INTO pipes_settings (name, length) VALUES ('huge', 99999999999)"), ok(1, 0));
  assert.deepEqual(await h.q("SELECT * FROM pipes_settings WHERE name IN ('p0x', 'big', 'neg', 'huge', 'none', 'x')"),
    rows(['name', 'length'], [['p0x', '0'], ['big', '1000'], ['neg', '1000'], ['huge', '1000']]));
  assert.deepEqual(await h.q("INSERT INTO pipes_settings (length) VALUES (3)"), fail(SqlErrors.fieldRequired('name')));
  assert.deepEqual(await h.q("INSERT INTO pipes_settings (name) VALUES ('ab')"), fail(SqlErrors.channelNameTooShort));
  assert.deepEqual(await h.q(`INSERT INTO pipes_settings (name) VALUES ('${'a'.repeat(65)}')`), fail(SqlErrors.channelNameTooLong));
  assert.deepEqual(await h.q("INSERT INTO pipes_settings (name) VALUES ('a.b')"), fail(SqlErrors.invalidChannelName));
  // History is stored only with length > 0 (or for trust_ pipes).
  await h.q("INSERT INTO pipes_messages (name, event, message) VALUES ('p0x', 'e', 'm')");
  await h.q("INSERT INTO pipes_messages (name, event, message) VALUES ('trust_x', '', 'm')");
  const hist = await h.q("SELECT name, event, message FROM pipes_messages WHERE name IN ('p0x', 'trust_x')");
  assert.deepEqual(hist, rows(['name', 'event', 'message'], [['trust_x', 'undefined', 'm']]));
});

test('pipes_messages: SELECT index runs across pipes; DELETE by name and by id; key required', async () => {
  const h = harness();
  await h.q("INSERT INTO pipes_settings (name, length) VALUES ('pa1', 10)");
  await h.q("INSERT INTO pipes_settings (name, length) VALUES ('pb1', 10)");
  for (const [p, m] of [['pa1', 'a1'], ['pb1', 'b1'], ['pa1', 'a2'], ['pb1', 'b2']]) await h.q(`INSERT INTO pipes_messages (name, event, message) VALUES ('${p}', 'e', '${m}')`);
  const r = await h.q("SELECT name, index, message FROM pipes_messages WHERE name IN ('pa1', 'bad!', 'pb1')");
  assert.deepEqual(r, rows(['name', 'index', 'message'], [['pa1', '0', 'a1'], ['pa1', '1', 'a2'], ['pb1', '2', 'b1'], ['pb1', '3', 'b2']]));
  const ids = await h.q("SELECT id FROM pipes_messages WHERE name = 'pa1'");
  assert.ok(ids.kind === 'rows');
  assert.deepEqual(await h.q(`DELETE FROM pipes_messages WHERE id = '${ids.rows[0][0]}'`), ok());
  assert.deepEqual(await h.q("SELECT message FROM pipes_messages WHERE name = 'pa1'"), rows(['message'], [['a2']]));
  assert.deepEqual(await h.q("DELETE FROM pipes_messages WHERE name = 'pb1' AND id = 'zz'"), ok());
  assert.deepEqual(await h.q("SELECT message FROM pipes_messages WHERE name = 'pb1'"), rows(['message'], []));
  assert.deepEqual(await h.q('DELETE FROM pipes_messages'), fail(SqlErrors.selectWithoutKey));
  assert.deepEqual(await h.q("DELETE FROM pipes_messages WHERE event = 'e'"), fail(SqlErrors.selectWithoutKey));
  // LIMIT on DELETE is parsed and ignored.
  assert.deepEqual(await h.q("DELETE FROM pipes_messages WHERE name = 'pa1' LIMIT 1"), ok());
  assert.deepEqual(await h.q("SELECT message FROM pipes_messages WHERE name = 'pa1'"), rows(['message'], []));
});

test('#41 users_messages to an online user: delivered live, OK 0 / insert id = user id, nothing queued', async () => {
  const h = harness();
  h.core.auth.hashes.set(0, 2, 'key2');
  const { link } = await h.connect({ userId: 2, key: 'key2' });
  assert.deepEqual(await h.q("INSERT INTO users_messages (id, event, message) VALUES (2, 'ev', 'hello')"), ok(0, 2));
  assert.deepEqual(link.frames.slice(1), ['{"data":"hello","event":"ev","pipe":"msg"}']);
  assert.deepEqual(await h.q('SELECT * FROM users_messages WHERE id = 2'), rows(['id', 'index', 'event', 'message'], []));
});

test('#42 users_messages to an offline user: queued, listed with a UUID index, delivered on auth', async () => {
  const h = harness();
  assert.deepEqual(await h.q("INSERT INTO users_auth (id, hash) VALUES (5, 'key5')"), ok(1, 5));
  assert.deepEqual(await h.q("INSERT INTO users_messages (id, event, message) VALUES (5, 'ev', 'queued msg')"), ok(0, 5));
  const r = await h.q('SELECT * FROM users_messages WHERE id = 5');
  assert.ok(r.kind === 'rows');
  assert.equal(r.rows.length, 1);
  assert.equal(r.rows[0][0], '5');
  assert.match(r.rows[0][1], UUID);
  assert.deepEqual(r.rows[0].slice(2), ['ev', 'queued msg']);
  h.now += 1;
  const { link } = await h.connect({ userId: 5, key: 'key5' });
  assert.deepEqual(link.frames.slice(1), ['{"data":"queued msg","event":"ev","fromQueue":true,"message_send_time":1700000000,"pipe":"msg"}']);
  assert.deepEqual(await h.q('SELECT * FROM users_messages WHERE id = 5'), rows(r.columns, []));
});

test('users_messages: checks, user 0 accepted, SELECT shows 10 oldest, DELETE empties the queue', async () => {
  const h = harness();
  assert.deepEqual(await h.q("INSERT INTO users_messages (event, message) VALUES ('e', 'm')"), fail(SqlErrors.fieldRequired('id')));
  assert.deepEqual(await h.q("INSERT INTO users_messages (id, message) VALUES (1, 'm')"), fail(SqlErrors.fieldRequired('event')));
  assert.deepEqual(await h.q("INSERT INTO users_messages (id, event) VALUES (1, 'e')"), fail(SqlErrors.fieldRequired('message')));
  assert.deepEqual(await h.q("INSERT INTO users_messages (id, event, message) VALUES (-1, 'e', 'm')"), fail(SqlErrors.idNonNegative));
  assert.deepEqual(await h.q("INSERT INTO users_messages (id, event, message) VALUES ('-1', 'e', 'm')"), fail(SqlErrors.idNonNegative));
  assert.deepEqual(await h.q("INSERT INTO users_messages (id, event, message) VALUES (1, 'e v', 'm')"), fail(SqlErrors.invalidChannelName));
  assert.deepEqual(await h.q(`INSERT INTO users_messages (id, event, message) VALUES (1, '${'e'.repeat(65)}', 'm')`), fail(SqlErrors.eventNameTooLong));
  assert.deepEqual(await h.q("INSERT INTO users_messages (id, index, event, message) VALUES (0, 'ignored', '', 'to nobody')"), ok(0, 0));
  for (let i = 0; i < 12; i++) await h.q(`INSERT INTO users_messages (id, event, message) VALUES (9, 'e', 'm${i}')`);
  const r = await h.q("SELECT message FROM users_messages WHERE id IN (9, '-9', 0)");
  assert.ok(r.kind === 'rows');
  assert.deepEqual(r.rows.map((x) => x[0]), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'to nobody']);
  assert.deepEqual(await h.q('DELETE FROM users_messages WHERE id = 9'), ok());
  assert.deepEqual(await h.q('SELECT message FROM users_messages WHERE id = 9'), rows(['message'], []));
  assert.deepEqual(await h.q('DELETE FROM users_messages'), fail(SqlErrors.selectWithoutKey));
  assert.deepEqual(SqlErrors.idNonNegative, { errno: 12, sqlState: 'HY000', message: 'The id field must be non-negative' });
});

test('#43 users_auth: insert, select, delete (and the delete closes the user\'s connections)', async () => {
  const h = harness();
  assert.deepEqual(await h.q("INSERT INTO users_auth (id, hash) VALUES (12, 'hash1')"), ok(1, 12));
  assert.deepEqual(await h.q('SELECT * FROM users_auth WHERE id IN (2, 3, 12)'), rows(['id', 'hash'], [['12', 'hash1']]));
  const { link } = await h.connect({ userId: 12, key: 'hash1' });
  assert.equal(JSON.parse(link.frames[0]).authorized, true);
  assert.deepEqual(await h.q('DELETE FROM users_auth WHERE id = 12'), ok());
  assert.notEqual(link.closedWith, null);
  assert.deepEqual(await h.q('SELECT * FROM users_auth WHERE id IN (2, 3, 12)'), rows(['id', 'hash'], []));
  assert.deepEqual(await h.q('INSERT INTO users_auth VALUES (13, hash2)'), ok(1, 13));
  assert.deepEqual(await h.q("SELECT hash FROM users_auth WHERE id IN (0, -13, '13abc')"), rows(['hash'], [['hash2']]));
  assert.deepEqual(await h.q("INSERT INTO users_auth (id, hash) VALUES (14, '')"), ok(1, 14));
});

test('#44 users_auth checks: characters before length, id > 0', async () => {
  const h = harness();
  assert.deepEqual(await h.q("INSERT INTO users_auth (id, hash) VALUES (1, 'a-b')"), fail(SqlErrors.invalidHashChars));
  assert.deepEqual(await h.q(`INSERT INTO users_auth (id, hash) VALUES (1, '${'a'.repeat(33)}')`), fail(SqlErrors.hashTooLong));
  assert.deepEqual(await h.q(`INSERT INTO users_auth (id, hash) VALUES (1, '${'a'.repeat(33)}.')`), fail(SqlErrors.invalidHashChars));
  assert.deepEqual(await h.q("INSERT INTO users_auth (id, hash) VALUES (0, 'h')"), fail(SqlErrors.idNonNegative));
  assert.deepEqual(await h.q("INSERT INTO users_auth (id, hash) VALUES ('abc', 'h')"), fail(SqlErrors.idNonNegative));
  assert.deepEqual(await h.q("INSERT INTO users_auth (id, hash) VALUES (99999999999, 'h')"), fail(SqlErrors.idNonNegative));
  assert.deepEqual(await h.q("INSERT INTO users_auth (hash) VALUES ('h')"), fail(SqlErrors.fieldRequired('id')));
  assert.deepEqual(await h.q('INSERT INTO users_auth (id) VALUES (1)'), fail(SqlErrors.fieldRequired('hash')));
  assert.deepEqual(await h.q(`INSERT INTO users_auth (id, hash) VALUES (1, '${'aZ9=+/_'.repeat(4)}xyzx')`), ok(1, 1));
  assert.deepEqual(SqlErrors.invalidHashChars, { errno: 12, sqlState: 'HY000', message: 'Contains an invalid characters in the string hash' });
  assert.deepEqual(SqlErrors.hashTooLong, { errno: 11, sqlState: 'HY000', message: 'Hash string is too long' });
});

test('#45 users_auth with a large user id: affected 1, insert id 70000', async () => {
  const h = harness();
  assert.deepEqual(await h.q("INSERT INTO users_auth (id, hash) VALUES (70000, 'h')"), ok(1, 70000));
});

test('#46 users_time: 0 online, -1 unknown, disconnect time after leaving', async () => {
  const h = harness();
  h.core.auth.hashes.set(0, 7, 'k7');
  const { conn } = await h.connect({ userId: 7, key: 'k7' });
  await h.connect({ userId: 0 }); // anonymous connections never make anyone online
  assert.deepEqual(await h.q('SELECT * FROM users_time WHERE id IN (7, 99996)'), rows(['id', 'time'], [['7', '0'], ['99996', '-1']]));
  h.now += 10;
  h.core.close(conn);
  assert.deepEqual(await h.q("SELECT time FROM users_time WHERE id = '7'"), rows(['time'], [['1700000010']]));
  assert.deepEqual(await h.q("SELECT * FROM users_time WHERE id IN (-1, '-2', 'abc', 0)"), rows(['id', 'time'], [['0', '-1'], ['0', '-1']]));
});

test('#47 read-only tables: ERR 10 at once', async () => {
  const h = harness();
  assert.deepEqual(await h.q('INSERT INTO users_time (id, time) VALUES (1, 2)'), fail(SqlErrors.readOnly('users_time')));
  assert.deepEqual(await h.q("DELETE FROM pipes WHERE name='abc'"), fail(SqlErrors.readOnly('pipes')));
  assert.deepEqual(await h.q('INSERT INTO pipes (nope) VALUES (1, 2, 3)'), fail(SqlErrors.readOnly('pipes')));
  assert.deepEqual(await h.q('DELETE FROM users_time ORDER BY id'), fail(SqlErrors.readOnly('users_time')));
  assert.deepEqual(await h.q("INSERT INTO users_in_pipes (name) VALUES ('abc')"), fail(SqlErrors.readOnly('users_in_pipes')));
  assert.deepEqual(await h.q("DELETE FROM users_in_pipes WHERE name = 'abc'"), fail(SqlErrors.readOnly('users_in_pipes')));
  assert.deepEqual(SqlErrors.readOnly('users_time'), { errno: 10, sqlState: 'HY000', message: 'Table `users_time` is read only' });
  assert.deepEqual(SqlErrors.readOnly('pipes').message, 'Table `pipes` is read only');
});

test('#48 column, condition, OR and ORDER BY errors', async () => {
  const h = harness();
  assert.deepEqual(await h.q('SELECT foo FROM users_time WHERE id = 1'), fail(SqlErrors.notAColumn));
  assert.deepEqual(await h.q('SELECT * FROM users_time WHERE id = 1 OR id = 2'), fail(SqlErrors.conditionColumnTwice));
  assert.deepEqual(await h.q('SELECT * FROM users_time WHERE id = 1 OR time = 2'), fail(SqlErrors.orNotImplemented));
  assert.deepEqual(await h.q('SELECT * FROM users_time WHERE id = 1 ORDER BY id'), fail(SqlErrors.orderByNotImplemented));
  assert.deepEqual(await h.q('SELECT id, id FROM users_time WHERE id = 1'), fail(SqlErrors.selectColumnTwice));
  assert.deepEqual(await h.q('SELECT * FROM users_time WHERE foo = 1'), fail(SqlErrors.notAColumn));
  assert.deepEqual(await h.q('SELECT * FROM users_time WHERE id = 1 AND id = 2'), fail(SqlErrors.conditionColumnTwice));
  assert.deepEqual(SqlErrors.conditionColumnTwice.message, 'Each column in the conditions used only once');
  assert.deepEqual(SqlErrors.orNotImplemented, { errno: 2, sqlState: 'HY000', message: 'Operator OR is not yet implemented' });
  assert.deepEqual(SqlErrors.orderByNotImplemented, { errno: 2, sqlState: 'HY000', message: 'Token ORDER BY is not yet implemented' });
  assert.deepEqual(SqlErrors.selectColumnTwice, { errno: 13, sqlState: 'HY000', message: 'Each column in the select used only once' });
});

test('#49 unknown tables (names are case-sensitive): ERR 15', async () => {
  const h = harness();
  assert.deepEqual(await h.q("SELECT * FROM PIPES WHERE name='abc'"), fail(SqlErrors.tableNotExist));
  assert.deepEqual(await h.q('SELECT * FROM nope WHERE id=1'), fail(SqlErrors.tableNotExist));
  assert.deepEqual(await h.q("INSERT INTO nope (a) VALUES (1)"), fail(SqlErrors.tableNotExist));
  assert.deepEqual(await h.q('DELETE FROM nope'), fail(SqlErrors.tableNotExist));
  assert.deepEqual(SqlErrors.tableNotExist, { errno: 15, sqlState: 'HY000', message: "Table doesn't exist" });
});

test('#50 revoked_tokens: revoking a valid JWT closes the user\'s connection; the token is listed', async () => {
  const h = harness();
  const jwt = await new SignJWT({ user_id: 5 }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(h.now + 3600).sign(new TextEncoder().encode(`${PASSWORD}0`));
  const { link } = await h.connect({ userId: 5, key: jwt });
  assert.equal(JSON.parse(link.frames[0]).authorized, true);
  assert.deepEqual(await h.q(`INSERT INTO revoked_tokens (token) VALUES ('${jwt}')`), ok(1, 1));
  assert.notEqual(link.closedWith, null);
  assert.deepEqual(await h.q('SELECT * FROM revoked_tokens'), rows(['token'], [[jwt]]));
  // A revoked token no longer authorises.
  const again = await h.connect({ userId: 5, key: jwt });
  assert.equal(JSON.parse(again.link.frames[0]).authorized, false);
});

test('revoked_tokens: invalid tokens stored without effect, SELECT by token, DELETE needs the token', async () => {
  const h = harness();
  assert.deepEqual(await h.q("INSERT INTO revoked_tokens (token) VALUES ('not-a-jwt')"), ok(1, 1));
  assert.deepEqual(await h.q("INSERT INTO revoked_tokens VALUES ('t2')"), ok(1, 1));
  assert.deepEqual(await h.q("SELECT token FROM revoked_tokens WHERE token IN ('t2', 'zz', 'not-a-jwt')"), rows(['token'], [['t2'], ['not-a-jwt']]));
  assert.deepEqual(await h.q('DELETE FROM revoked_tokens'), fail(SqlErrors.deleteWithoutKey));
  assert.deepEqual(await h.q("DELETE FROM revoked_tokens WHERE token = 't2'"), ok());
  assert.deepEqual(await h.q('SELECT * FROM revoked_tokens'), rows(['token'], [['not-a-jwt']]));
  assert.deepEqual(await h.q('INSERT INTO revoked_tokens (token, token) VALUES (1, 2)'), fail(SqlErrors.insertColumnTwice));
  assert.deepEqual(await h.q('INSERT INTO revoked_tokens (x) VALUES (1)'), fail(SqlErrors.notAColumn));
  const long = 'a'.repeat(700);
  assert.deepEqual(await h.q(`INSERT INTO revoked_tokens (token) VALUES ('${long}')`), ok(1, 1));
  assert.equal(h.core.auth.revoked.has(0, 'a'.repeat(599)), true);
  assert.deepEqual(SqlErrors.deleteWithoutKey, { errno: 13, sqlState: 'HY000', message: 'Deleting without transferring the requested values of the primary key is not supported' });
  assert.deepEqual(SqlErrors.fieldRequired('token').message, 'field `token` is required');
});

test('#51 users_data: insert, select, delete; id > 0', async () => {
  const h = harness();
  assert.deepEqual(await h.q(`INSERT INTO users_data (id, data) VALUES ("9997", '{"rand":"1"}')`), ok(1, 9997));
  assert.deepEqual(await h.q('SELECT * FROM users_data WHERE id = 9997'), rows(['id', 'data'], [['9997', '{"rand":"1"}']]));
  assert.deepEqual(await h.q('insert into users_data (id, data) values (1, NULL)'), ok(1, 1));
  assert.deepEqual(await h.q('SELECT data FROM users_data WHERE id IN (1, 2, 0)'), rows(['data'], [['NULL']]));
  assert.deepEqual(await h.q('DELETE FROM users_data WHERE id = 9997'), ok());
  assert.deepEqual(await h.q('SELECT * FROM users_data WHERE id = 9997'), rows(['id', 'data'], []));
  assert.deepEqual(await h.q("INSERT INTO users_data (id, data) VALUES (0, 'x')"), fail(SqlErrors.idNonNegative));
  assert.deepEqual(await h.q("INSERT INTO users_data (data) VALUES ('x')"), fail(SqlErrors.fieldRequired('id')));
  assert.deepEqual(await h.q('INSERT INTO users_data (id) VALUES (1)'), fail(SqlErrors.fieldRequired('data')));
});

test('users_in_pipes: one row per connection, anonymous ones with user_id 0', async () => {
  const h = harness();
  h.core.auth.hashes.set(0, 2, 'k');
  await h.connect({ userId: 2, key: 'k', pipes: ['web_admins'], uuid: 'u-1', meta: { userAgent: 'Mozilla', ip: '1.2.3.4', origin: 'https://a.example', language: 'ru' } });
  await h.connect({ pipes: ['web_admins'] });
  assert.deepEqual(await h.q('SELECT name, user_id FROM users_in_pipes WHERE name = "web_admins"'), rows(['name', 'user_id'], [['web_admins', '2'], ['web_admins', '0']]));
  const all = await h.q("SELECT * FROM users_in_pipes WHERE name IN ('web_admins', 'empty_pipe')");
  assert.ok(all.kind === 'rows');
  assert.deepEqual(all.rows[0], ['web_admins', '2', 'u-1', 'Mozilla', '1.2.3.4', 'https://a.example', 'ru']);
  assert.equal(all.rows.length, 2);
});

test('#59 a message with replacement characters (bad UTF-8 on the wire) is delivered, no crash', async () => {
  const h = harness();
  const { link } = await h.connect({ pipes: ['web_chat'] });
  assert.deepEqual(await h.q("INSERT INTO pipes_messages (name, event, message) VALUES ('web_chat', 'e', 'a\ufffd\ufffdb')"), ok());
  assert.deepEqual(link.messages().map((m) => m.data), ['a\ufffd\ufffdb']);
});

test('#60 21 INSERT values: ERR 14 Error in columns list', async () => {
  const h = harness();
  const values = Array.from({ length: 21 }, (_, i) => `'v${i}'`).join(', ');
  assert.deepEqual(await h.q(`INSERT INTO pipes_messages VALUES (${values})`), fail(SqlErrors.columnsList));
  assert.deepEqual(await h.q(`INSERT INTO users_auth VALUES (${values})`), fail(SqlErrors.columnsList));
});

test('#61 DELETE FROM users_auth WHERE id = -5: skipped, user 5 untouched', async () => {
  const h = harness();
  await h.q("INSERT INTO users_auth (id, hash) VALUES (5, 'h5')");
  assert.deepEqual(await h.q('DELETE FROM users_auth WHERE id = -5'), ok());
  assert.deepEqual(await h.q('SELECT * FROM users_auth WHERE id = 5'), rows(['id', 'hash'], [['5', 'h5']]));
});

test('tenancy: statements only see and reach their own dev_id', async () => {
  const h = harness();
  const { link: dev0 } = await h.connect({ dev: 0, pipes: ['web_chat'] });
  const { link: dev7 } = await h.connect({ dev: 7, pipes: ['web_chat'] });
  const s7 = session({ devId: 7 });
  await h.q("INSERT INTO pipes_messages (name, event, message) VALUES ('web_chat', 'e', 'for 7')", s7);
  assert.deepEqual(dev0.messages(), []);
  assert.deepEqual(dev7.messages().map((m) => m.data), ['for 7']);
  await h.q("INSERT INTO users_auth (id, hash) VALUES (3, 'h')", s7);
  assert.deepEqual(await h.q('SELECT * FROM users_auth WHERE id = 3'), rows(['id', 'hash'], []));
  assert.deepEqual(await h.q('SELECT * FROM users_auth WHERE id = 3', s7), rows(['id', 'hash'], [['3', 'h']]));
});

test('video tables answer as upstream without SIP (4.10); profiler is empty (4.11)', async () => {
  const h = harness();
  assert.deepEqual(await h.q("INSERT INTO conference (name, user_id) VALUES ('c', 1)"), fail(SqlErrors.fieldRequired('message')));
  assert.deepEqual(await h.q("INSERT INTO conference (user_id, message) VALUES (1, 'm')"), fail(SqlErrors.fieldRequired('name')));
  assert.deepEqual(await h.q("INSERT INTO conference (name, message) VALUES ('c', 'm')"), fail(SqlErrors.fieldRequired('user_id')));
  assert.deepEqual(await h.q("INSERT INTO conference (name, user_id, message) VALUES ('c', '-1', 'm')"), fail(SqlErrors.userIdNonNegative));
  assert.deepEqual(await h.q("INSERT INTO conference (name, user_id, message) VALUES ('c', 1, 'm')"), fail(SqlErrors.sipNotConfigured));
  assert.deepEqual(await h.q("SELECT * FROM conference WHERE name = 'c'"), rows(['name', 'user_id', 'caller_id', 'message', 'profile', 'stream', 'node'], []));
  assert.deepEqual(await h.q('SELECT * FROM conference'), fail(SqlErrors.selectWithoutKey));
  assert.deepEqual(await h.q("DELETE FROM conference WHERE name = 'c' AND user_id = 1"), ok());
  assert.deepEqual(await h.q('SELECT * FROM conference_members'), rows(['name', 'user_id', 'join_time', 'last_talking'], []));
  assert.deepEqual(await h.q("INSERT INTO conference_members (name) VALUES ('c')"), fail(SqlErrors.conferenceMembersInsert));
  assert.deepEqual(await h.q("DELETE FROM conference_members WHERE name = 'c'"), fail(SqlErrors.conferenceMembersDelete));
  assert.deepEqual(await h.q('INSERT INTO dialogs (a) VALUES (1)'), fail(SqlErrors.dialogsNotReady));
  assert.deepEqual(await h.q('SELECT * FROM dialogs'), fail(SqlErrors.tableNotExist));
  assert.deepEqual(await h.q('DELETE FROM dialogs'), fail(SqlErrors.tableNotExist));
  assert.deepEqual(await h.q('SELECT * FROM profiler'), rows(['tag', 'time', 'calls'], []));
  assert.deepEqual(await h.q("INSERT INTO profiler (tag) VALUES ('x')"), fail(SqlErrors.tableNotExist));
  assert.deepEqual(await h.q('DELETE FROM profiler'), fail(SqlErrors.tableNotExist));
  assert.deepEqual(SqlErrors.sipNotConfigured, { errno: 500, sqlState: 'HY000', message: 'field in ini file not set option `host` in section `sip`' });
  assert.deepEqual(SqlErrors.userIdNonNegative.message, 'The user_id field must be non-negative');
  assert.deepEqual(SqlErrors.conferenceMembersInsert, { errno: 10, sqlState: 'HY000', message: 'insert into `conference_members` is not ready yet' });
  assert.deepEqual(SqlErrors.conferenceMembersDelete.message, 'delete from `conference_members` is not ready yet');
  assert.deepEqual(SqlErrors.dialogsNotReady, { errno: 10, sqlState: 'HY000', message: 'Table `dialogs` is not ready yet' });
});
