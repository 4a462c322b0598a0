import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportedFiles } from './lib/exported-files.js';
import { machines } from './lib/machines.js';

/** `npm run visualize [dir]`: writes every machine's JSON, Mermaid and SVG, by default next to this file. */
const dir = process.argv[2] ?? fileURLToPath(new URL('.', import.meta.url));
await mkdir(dir, { recursive: true });
for (const { name, machine } of machines) {
  for (const [file, content] of await exportedFiles(name, machine)) {
    await writeFile(join(dir, file), content);
    console.log(`wrote ${relative(process.cwd(), join(dir, file)) || file}`);
  }
}
