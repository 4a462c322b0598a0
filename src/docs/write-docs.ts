import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openApiDocument } from '../api/openapi/openapi-document.js';
import { VERSION } from '../config/package-version.js';
import { generatedDocs } from './generated-docs.js';

/** `npm run docs`: rewrites the generated man pages, shell completions and docs/openapi.json. */
const root = new URL('../../', import.meta.url);
const files = {
  ...generatedDocs(),
  'docs/openapi.json': `${JSON.stringify(await openApiDocument(VERSION), null, 2)}\n`,
};
for (const [path, text] of Object.entries(files)) {
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
