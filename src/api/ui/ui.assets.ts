import { readFileSync } from 'node:fs';

/**
 * The live view's static files, kept in `assets/` beside this module so tsc (`// @ts-check`) and
 * biome read them; `npm run build` copies the folder next to the compiled module.
 */
export type UiAssetName = 'app.js' | 'app.css' | 'favicon.svg';

const loaded = new Map<UiAssetName, string>();

/** The file's text, read on first use: a missing file fails the request for it, not the agent. */
export function uiAsset(name: UiAssetName): string {
  let text = loaded.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
    loaded.set(name, text);
  }
  return text;
}
