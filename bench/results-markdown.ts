#!/usr/bin/env node
// Print result files as Markdown tables for docs/PERFORMANCE.md, with the command of each:
//   node dist-test/bench/results-markdown.js bench/results/2026-...-idle.json [...]
import { readFileSync } from 'node:fs';
import { formatMarkdown, type ResultFile } from './lib/report.js';

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: results-markdown.js RESULT.json...\n');
  process.exit(2);
}
for (const file of files) {
  const r = JSON.parse(readFileSync(file, 'utf8')) as ResultFile;
  const error = (r.details as { error?: string } | undefined)?.error;
  process.stdout.write(`### ${r.scenario}\n\n\`${r.command}\` (${r.startedAt.slice(0, 16)}Z, ${file.split('/').pop()})\n\n${formatMarkdown(r.rows)}\n${error ? `\nFAILED: ${error.split('\n')[0]}\n` : ''}\n`);
}
