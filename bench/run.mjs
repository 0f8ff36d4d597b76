#!/usr/bin/env node
// `pnpm bench`: one run, every area side by side with its peers. Each area module exports
// `run()`, prints its own table (medians and ratios) and returns its rows.
// Usage: node bench/run.mjs [area ...]   (areas: token, verifier, http, redis)
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const areas = ['token', 'verifier', 'http', 'redis'];
const wanted = process.argv.slice(2);
const selected = wanted.length > 0 ? areas.filter((a) => wanted.includes(a)) : areas;

console.log(`chit bench — node ${process.version}, ${new Date().toISOString()}`);
let failed = 0;
for (const area of selected) {
  const file = join(here, `${area}.bench.mjs`);
  if (!existsSync(file)) {
    console.log(`\n## ${area}: no benchmark file (${file})`);
    continue;
  }
  console.log(`\n## ${area}`);
  try {
    const mod = await import(pathToFileURL(file).href);
    await mod.run();
  } catch (err) {
    failed++;
    console.error(`bench ${area} failed:`, err);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
