/**
 * `npm run bench [-- <name>...]`: runs the named benchmarks of bench/ one after another (default:
 * lists them). Each prints its own figures and ratios against its peer measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const HELPERS = new Set(['run', 'serve-child', 'train-data']);
const names = readdirSync(here)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((n) => !HELPERS.has(n))
  .sort();
const wanted = process.argv.slice(2);
if (wanted.length === 0) {
  process.stdout.write(
    `benchmarks (run one with \`npm run bench -- <name>\`, or \`all\`):\n${names.map((n) => `  ${n}`).join('\n')}\n`,
  );
  process.exit(0);
}
const run = wanted.includes('all') ? names : wanted;
for (const name of run) {
  if (!names.includes(name)) {
    process.stderr.write(`no benchmark named ${JSON.stringify(name)} (known: ${names.join(', ')})\n`);
    process.exit(2);
  }
}
for (const name of run) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `${here}${name}.ts`], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
