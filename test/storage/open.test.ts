// openStorage(): picks the store from [db], opens it, says which one in the log, never the password.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { parseIni } from '../../src/config/ini-file.js';
import { buildConfig } from '../../src/config/config.js';
import { openStorage } from '../../src/storage/open.js';
import { WriteBehind } from '../../src/storage/write-behind.js';
import { mysqlTarget } from './subjects.js';

function capture(): { log: pino.Logger; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { log: pino({ level: 'trace' }, stream), text: () => chunks.join('') };
}

const dir = mkdtempSync(join(tmpdir(), 'tscomet-open-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('openStorage', () => {
  it('defaults to SQLite: creates the parent directory, logs the store, returns a working sink', async () => {
    const config = buildConfig(parseIni('[main]\nnode_name = n1\n[db]\ndriver = sqlite\npath = deep/er/store.sqlite\n'), 'comet.ini', dir);
    const { log, text } = capture();
    const { storage, sink } = await openStorage(config, log);
    try {
      assert.equal(storage.kind, 'sqlite');
      assert.ok(sink instanceof WriteBehind);
      assert.ok(existsSync(join(dir, 'deep/er/store.sqlite')));
      assert.match(text(), /"store":"sqlite"/);
      sink.start();
      sink.write({ op: 'auth.put', dev: 0, user: 1, hash: 'h' });
      await sink.durable();
      assert.deepEqual((await storage.load()).auth, [{ dev: 0, user: 1, hash: 'h' }]);
    } finally {
      await sink.close();
      await storage.close();
    }
  });

  const target = mysqlTarget();
  it('opens MySQL from [db] host/port/user/password/name and never logs the password', { skip: target ? false : 'TSCOMET_TEST_MYSQL is not set' }, async () => {
    const t = target!;
    const ini = `[main]\nnode_name = n2\n[db]\nhost = ${t.host}\nport = ${t.port}\nuser = ${t.user}\npassword = ${t.password}\nname = ${t.database}\nconnection_attempts = 1\n`;
    const { log, text } = capture();
    const { storage, sink } = await openStorage(buildConfig(parseIni(ini), 'comet.ini', dir), log);
    try {
      assert.equal(storage.kind, 'mysql');
      assert.equal(await storage.ping(), true);
      assert.match(text(), /"store":"mysql"/);
      assert.ok(!text().includes(t.password));
    } finally {
      await sink.close();
      await storage.close();
    }
    const bad = capture();
    const wrong = `${ini.replace(`password = ${t.password}`, 'password = Not-The-Password-42')}`;
    await assert.rejects(openStorage(buildConfig(parseIni(wrong), 'comet.ini', dir), bad.log), (e: Error) => !e.message.includes('Not-The-Password-42'));
    assert.ok(!bad.text().includes('Not-The-Password-42'));
  });
});
