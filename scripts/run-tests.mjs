#!/usr/bin/env node
// Runs the compiled test suite with node:test: once on the embedded SQLite store, and once more
// on MySQL/MariaDB when TSCOMET_TEST_MYSQL (mysql://user:pass@host:port/db) is set, as CI does.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filter = process.argv[2];
const files = find('dist-test/test').filter((f) => !filter || f.includes(filter)).sort();
const stores = ['sqlite'];
if (process.env.TSCOMET_TEST_MYSQL) stores.push('mysql');
let failed = false;
for (const store of stores) {
  console.log(`\n=== test pass: store=${store} (${files.length} files) ===`);
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
    stdio: 'inherit',
    env: { ...process.env, TSCOMET_TEST_STORE: store },
  });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
