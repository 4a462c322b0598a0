import { readFileSync } from 'node:fs';

/** The package version, shown by `/version` and `--version`. */
export const VERSION: string = (() => {
  for (const path of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'link-vip' && pkg.version) return pkg.version;
    } catch {
      // try the next layout (sources or dist)
    }
  }
  return 'dev';
})();
