// Unit tests of the connection state machine without sockets: a fake sink records what is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { MysqlConnection, type PacketSink } from '../../../src/cometql/wire/connection.js';
import { ScriptedEngine, commandPacket, frame, loginPacket, parseErrPayload, type RawPacket } from '../../helpers/mysql-clients.js';

const scramble = Buffer.alloc(20, 0x41);

class FakeSink implements PacketSink {
  data = Buffer.alloc(0);
  ended = false;
  pauses: boolean[] = [];
  write(d: Buffer) {
    assert.equal(this.ended, false, 'no write after end');
    this.data = Buffer.concat([this.data, d]);
  }
  end() {
    this.ended = true;
  }
  setInputPaused(p: boolean) {
    this.pauses.push(p);
  }
  /** Cut everything written so far into packets (and forget it). */
  take(): RawPacket[] {
    const out: RawPacket[] = [];
    let o = 0;
    while (o + 4 <= this.data.length) {
      const len = this.data.readUIntLE(o, 3);
      assert.ok(o + 4 + len <= this.data.length, 'only whole packets are written');
      out.push({ seq: this.data[o + 3], payload: this.data.subarray(o + 4, o + 4 + len) });
      o += 4 + len;
    }
    assert.equal(o, this.data.length);
    this.data = Buffer.alloc(0);
    return out;
  }
}

function setup(engine = new ScriptedEngine(), password = 'CometQLPassword') {
  const sink = new FakeSink();
  const conn = new MysqlConnection(
    { engine, password, devIndexSize: 100000, maxQuerySize: 9000, maxPacketSize: 1 << 20, maxLoginPacketSize: 16384, connectionId: 42, clientAddress: '127.0.0.1', log: pino({ level: 'silent' }), statistics: () => 'Uptime: 1', scramble },
    sink,
  );
  conn.start();
  return { sink, conn, engine };
}

/** Let queued async work (engine promises) finish. */
const settle = () => new Promise((r) => setImmediate(r));

test('greeting first, then login answered with sequence 2', async () => {
  const { sink, conn } = setup();
  const [greeting] = sink.take();
  assert.equal(greeting.seq, 0);
  assert.equal(greeting.payload[0], 10);
  conn.receive(frame(loginPacket(scramble), 1));
  await settle();
  const [answer] = sink.take();
  assert.equal(answer.seq, 2);
  assert.equal(answer.payload.toString('hex'), '00000002000000');
});

test('login, query and quit in one chunk are handled in order', async () => {
  const { sink, conn } = setup();
  sink.take();
  conn.receive(Buffer.concat([frame(loginPacket(scramble), 1), frame(commandPacket(0x03, 'yield'), 0), frame(commandPacket(0x03, 'show databases'), 0), frame(commandPacket(0x01), 0)]));
  for (let i = 0; i < 5; i++) await settle();
  const packets = sink.take();
  assert.equal(packets[0].payload[0], 0x00, 'login OK');
  const texts = packets.map((p) => p.payload.toString('latin1'));
  assert.ok(texts.findIndex((t) => t.includes('yielded')) < texts.findIndex((t) => t.includes('Database')), 'answers in request order');
  assert.equal(sink.ended, true, 'COM_QUIT closes');
});

test('reading pauses while many commands wait and resumes when they are done', async () => {
  const { sink, conn } = setup();
  sink.take();
  conn.receive(frame(loginPacket(scramble), 1));
  await settle();
  sink.take();
  const many = Buffer.concat(Array.from({ length: 300 }, () => frame(commandPacket(0x03, 'yield'), 0)));
  conn.receive(many);
  assert.deepEqual(sink.pauses, [true]);
  for (let i = 0; i < 400 && sink.pauses.length < 2; i++) await settle();
  assert.deepEqual(sink.pauses, [true, false]);
  for (let i = 0; i < 400; i++) await settle();
  assert.equal(sink.take().filter((p) => p.payload.toString('latin1').includes('yes')).length, 300);
});

test('a connection disposed while a query runs writes nothing more', async () => {
  const { sink, conn } = setup();
  sink.take();
  conn.receive(Buffer.concat([frame(loginPacket(scramble), 1), frame(commandPacket(0x03, 'yield'), 0)]));
  await Promise.resolve();
  sink.take();
  conn.dispose();
  for (let i = 0; i < 5; i++) await settle();
  assert.equal(sink.take().length, 0);
  assert.equal(conn.closed, true);
});

test('an oversize packet gets ERR 11 for a query (1153 otherwise) and closes', async (t) => {
  for (const [command, errno] of [[0x03, 11], [0x16, 11], [0x17, 11], [0x0e, 1153]] as const) {
    await t.test(`command 0x${command.toString(16)}`, async () => {
      const { sink, conn } = setup();
      sink.take();
      conn.receive(frame(loginPacket(scramble), 1));
      await settle();
      sink.take();
      conn.receive(Buffer.concat([Buffer.from([0x01, 0x00, 0x10, 0x00]), Buffer.from([command]), Buffer.alloc(100)]));
      await settle();
      const [err] = sink.take();
      assert.equal(err.seq, 1);
      assert.equal(parseErrPayload(err.payload).errno, errno);
      assert.equal(sink.ended, true);
    });
  }
});

test('before login, packets over maxLoginPacketSize get ERR 1153 at their header, and the bound is lifted after login', async (t) => {
  const header = (length: number, seq: number) => Buffer.from([length & 0xff, (length >> 8) & 0xff, length >> 16, seq]);
  for (const [what, length, refused] of [['at the bound', 16384, false], ['one byte past', 16385, true], ['a 16 MiB partial packet', 0xfffffe, true]] as const) {
    await t.test(what, async () => {
      const { sink, conn } = setup();
      sink.take();
      // Only the header and one byte: a refusal must not wait for (or buffer) the body.
      conn.receive(Buffer.concat([header(length, 1), Buffer.from([0x0f])]));
      await settle();
      const answer = sink.take();
      if (!refused) {
        assert.deepEqual(answer, [], 'waits for the rest of a packet within the bound');
        assert.equal(sink.ended, false);
        return;
      }
      assert.equal(answer.length, 1);
      assert.equal(answer[0].seq, 2);
      assert.equal(parseErrPayload(answer[0].payload).errno, 1153);
      assert.equal(sink.ended, true);
    });
  }
  await t.test('after login a packet past the login bound is a normal command', async () => {
    const { sink, conn } = setup();
    sink.take();
    conn.receive(frame(loginPacket(scramble), 1));
    await settle();
    sink.take();
    conn.receive(frame(commandPacket(0x03, `select '${'a'.repeat(20000)}'`), 0));
    await settle();
    const [err] = sink.take();
    assert.equal(parseErrPayload(err.payload).errno, 11, 'max_query_size, not the login bound');
    assert.equal(sink.ended, false);
  });
});

/** mulberry32 */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('fuzz (COMETQL.md 10.4 #62): random login packets and random commands never throw; every answer is a whole packet', async () => {
  const rnd = prng(Number(process.env.FUZZ_SEED ?? 1234));
  const int = (n: number) => Math.floor(rnd() * n);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  for (let round = 0; round < 400; round++) {
    const { sink, conn } = setup();
    sink.take();
    const where = `round ${round}`;
    if (round % 2 === 0) {
      conn.receive(frame(bytes(int(120)), 1));
      await settle();
      const answers = sink.take();
      if (answers.length > 0 && answers[answers.length - 1].payload[0] === 0xff) assert.equal(sink.ended, true, `${where}: failed login closes`);
    } else {
      conn.receive(frame(loginPacket(scramble), 1));
      await settle();
      sink.take();
      for (let i = 0; i < 10 && !sink.ended; i++) {
        const cmd = [0x03, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x11, 0x02, 0x04, 0x09, 0x0c, 0x42, 0x00][int(15)];
        conn.receive(frame(Buffer.concat([Buffer.from([cmd]), bytes(int(40))]), 0));
        await settle();
        await settle();
        for (const p of sink.take()) assert.ok(p.payload.length >= 0, where);
      }
    }
  }
});
