#!/usr/bin/env node
// Copies the files tsc does not emit into a build: the live view's assets (CSS, favicon; its
// script too, as written). Usage: node scripts/copy-assets.mjs [OUT_DIR, default dist]
import { cpSync } from 'node:fs';
import { resolve } from 'node:path';

const outDir = resolve(process.argv[2] ?? 'dist');
cpSync(new URL('../src/api/ui/assets', import.meta.url), resolve(outDir, 'api/ui/assets'), { recursive: true });
