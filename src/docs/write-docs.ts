import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generatedDocs } from './generated-docs.js';

/** `npm run docs`: rewrites the generated man pages and shell completions. */
const root = new URL('../../', import.meta.url);
for (const [path, text] of Object.entries(generatedDocs())) {
  const url = new URL(path, root);
  let before: string | undefined;
  try {
    before = readFileSync(url, 'utf8');
  } catch {
    before = undefined;
  }
  if (before === text) continue;
  mkdirSync(dirname(url.pathname), { recursive: true });
  writeFileSync(url, text);
  console.log(`${path} rewritten`);
}
