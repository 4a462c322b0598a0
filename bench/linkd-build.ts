import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LINKD_NODE_FLAGS } from '../src/daemon/node-flags.js';
import { onProcessExit } from '../test/lab/cleanup.js';
import type { Lab } from '../test/lab/lab.js';
import { REPO_ROOT } from '../test/lab/lab.js';

/**
 * How linkd runs in the bench: compiled and with its V8 flags as operators run it (`npm run build`,
 * the systemd unit), or from source via tsx.
 */
export type LinkdRuntime = 'compiled' | 'tsx';

let build: Promise<string> | undefined;

/**
 * Compiles src/ into a temporary directory (never `dist/`, which bin/linkd.js would then prefer
 * for everyone else) and resolves the path of the compiled `cli/linkd.js`. Once per process.
 */
export function buildLinkd(): Promise<string> {
  build ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'link-bench-build-'));
    onProcessExit(() => rmSync(outDir, { recursive: true, force: true }));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    await new Promise<void>((resolve) => {
      // Type errors elsewhere in a working tree do not stop tsc from emitting: judge by the output.
      execFile(
        process.execPath,
        [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir],
        { cwd: REPO_ROOT },
        () => resolve(),
      );
    });
    const entry = join(outDir, 'cli', 'linkd.js');
    if (!existsSync(entry)) throw new Error(`tsc produced no ${entry}`);
    // What tsc does not emit (the live view's assets), as `npm run build` copies it.
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/copy-assets.mjs'), outDir]);
    // ESM, and the repository's packages, for the compiled files.
    writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(outDir, 'node_modules'));
    return entry;
  })();
  return build;
}

/** The command line (after `node`) that starts linkd in `runtime`. */
export async function linkdCommand(runtime: LinkdRuntime): Promise<string[]> {
  if (runtime === 'compiled') return [...LINKD_NODE_FLAGS, await buildLinkd()];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsx, join(REPO_ROOT, 'src/cli/linkd.ts')];
}

/**
 * The lab as LabAgent sees it, except that `spawnTs` of linkd starts the compiled build: LabAgent
 * itself only knows how to run the TypeScript source.
 */
export function compiledLab(lab: Lab, entry: string): Lab {
  return new Proxy(lab, {
    get(target, property) {
      if (property === 'spawnTs') {
        return (
          ref: Parameters<Lab['spawnTs']>[0],
          _script: string,
          args: readonly string[] = [],
          options = {},
        ) => target.spawnIn(ref, process.execPath, [...LINKD_NODE_FLAGS, entry, ...args], options);
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
