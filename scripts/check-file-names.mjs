#!/usr/bin/env node
// Part of `npm run lint`: every source file's name says what it holds and is unique across the
// tree (the extension aside), so a name found in a stack trace, a log or a review points to one file.
import { execFileSync } from 'node:child_process';
import { basename, extname } from 'node:path';

const sourceExtensions = new Set(['.ts', '.mts', '.js', '.mjs', '.cjs']);
const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  encoding: 'utf8',
})
  .split('\n')
  .filter((path) => sourceExtensions.has(extname(path)) && !path.startsWith('test/fixtures/'));

const byName = new Map();
for (const path of tracked) {
  const name = basename(path, extname(path));
  byName.set(name, [...(byName.get(name) ?? []), path]);
}
const clashes = [...byName].filter(([, paths]) => paths.length > 1);
for (const [name, paths] of clashes)
  console.error(`file name "${name}" is used ${paths.length} times: ${paths.join(', ')}`);
if (clashes.length > 0) process.exit(1);
