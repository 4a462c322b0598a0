import { readFileSync } from 'node:fs';

/** The package version; `package.json` is three levels up from both `src/cli/client` and `dist/cli/client`. */
export function clientVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'dev';
  } catch {
    return 'dev';
  }
}
