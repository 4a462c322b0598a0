import { readFileSync, writeFileSync } from 'node:fs';
import { writeConfigTable } from './config-table.js';

/** `npm run docs:config`: rewrites the README's configuration table from the settings schema. */
const readmeUrl = new URL('../../README.md', import.meta.url);
const before = readFileSync(readmeUrl, 'utf8');
const after = writeConfigTable(before);
if (after === before) {
  console.log('README.md configuration table is up to date');
} else {
  writeFileSync(readmeUrl, after);
  console.log('README.md configuration table rewritten');
}
