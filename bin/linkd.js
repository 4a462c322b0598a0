#!/usr/bin/env -S node --optimize-for-size
// Runs the compiled daemon when built (`npm run build`), else the TypeScript source through tsx.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/linkd.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/linkd.ts', import.meta.url).href);
}
