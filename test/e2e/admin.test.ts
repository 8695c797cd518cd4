// The admin listener: /metrics is Prometheus text and counts a published message; /health is
// always 200; /ready is 200 while the store answers and 503 when it does not (MySQL store, cut
// behind a TCP proxy); SHOW GLOBAL STATUS carries the same storage figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import mysql from 'mysql2/promise';
import { startServer, testStore, mysqlUrl, TEST_PASSWORD } from '../helpers/server.js';
import { MysqlProxy } from '../helpers/mysql-proxy.js';

const ADMIN = '[admin]\nip = 127.0.0.1\nport = 0\n';

function fetchText(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    }).on('error', reject);
  });
}

/** Parse Prometheus text exposition: every sample line is `name{labels} value`. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    // Values as Go's ParseFloat reads them (Prometheus accepts any case of NaN; prom-client writes Nan).
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.e+-]+|[Nn][Aa][Nn]|[+-]Inf)$/.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${line}`);
    out.set(m[1] + (m[2] ?? ''), Number(m[3]));
  }
  return out;
}

test('/metrics, /health and /ready on the admin port', async () => {
  const server = await startServer({ ini: ADMIN });
  try {
    assert.ok(server.adminPort > 0);
    const health = await fetchText(server.adminPort, '/health');
    assert.equal(health.status, 200);
    assert.equal((await fetchText(server.adminPort, '/ready')).status, 200);
    const before = parseMetrics((await fetchText(server.adminPort, '/metrics')).body);
    const c = await mysql.createConnection({ host: '127.0.0.1', port: server.cometqlPort, user: 'root', password: TEST_PASSWORD, database: 'CometQL_v1' });
    await c.query("INSERT INTO pipes_messages (name, event, message) VALUES ('web_metrics', 'e', 'm')");
    await c.query("SELECT * FROM nope WHERE id = 1").catch(() => undefined);
    const res = await fetchText(server.adminPort, '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.type, /^text\/plain/);
    const after = parseMetrics(res.body);
    assert.equal((after.get('tscomet_pipe_messages_total') ?? 0) - (before.get('tscomet_pipe_messages_total') ?? 0), 1);
    assert.equal(after.get('tscomet_cometql_connections'), 1);
    assert.ok(after.has('tscomet_process_nodejs_eventloop_lag_seconds'));
    assert.ok(after.has('tscomet_storage_pending_writes'));
    assert.equal(after.get('tscomet_cometql_queries_total{table="pipes_messages",result="ok"}'), 1);
    assert.equal(after.get('tscomet_cometql_queries_total{table="nope",result="15"}'), 1);
    assert.equal((await fetchText(server.adminPort, '/nope')).status, 404);
    await c.end();
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('/ready flips to 503 while MySQL is unreachable and back to 200', { skip: testStore() !== 'mysql' && 'needs the MySQL store' }, async () => {
  const u = mysqlUrl()!;
  const proxy = await MysqlProxy.start(u.hostname, Number(u.port || 3306));
  const server = await startServer({ store: 'mysql', ini: `[db]\nport = ${proxy.port}\n${ADMIN}` });
  try {
    assert.equal((await fetchText(server.adminPort, '/ready')).status, 200);
    proxy.cut();
    assert.equal((await fetchText(server.adminPort, '/ready')).status, 503);
    assert.equal((await fetchText(server.adminPort, '/health')).status, 200);
    proxy.restore();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await fetchText(server.adminPort, '/ready')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 200);
  } finally {
    await server.stop();
    await proxy.close();
  }
});
