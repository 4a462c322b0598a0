import { envOf, type Setting, settings } from './config.schema.js';

export const TABLE_START = '<!-- config-table:start -->';
export const TABLE_END = '<!-- config-table:end -->';

function defaultCell(spec: Setting): string {
  if (spec.required) return '**required**';
  if (spec.defaultDoc) return `*${spec.defaultDoc}*`;
  if (spec.default === undefined) return '';
  return `\`${spec.default}\``;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** The README's configuration table, one row per setting, in the schema's order. */
export function renderConfigTable(): string {
  const rows = (Object.values(settings) as Setting[]).map((spec) => {
    const flag = spec.arg ? `\`${spec.flag} ${spec.arg}\`` : `\`${spec.flag}\``;
    return `| ${escapeCell(flag)} | \`${envOf(spec)}\` | ${escapeCell(defaultCell(spec))} | ${escapeCell(spec.description)} |`;
  });
  return ['| flag | environment | default | description |', '|---|---|---|---|', ...rows].join('\n');
}

/** The text between the markers, trimmed; undefined when the markers are missing. */
export function readConfigTable(readme: string): string | undefined {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + TABLE_START.length, end).trim();
}

/** The README with the table between the markers replaced; throws when the markers are missing. */
export function writeConfigTable(readme: string, table = renderConfigTable()): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(`README has no ${TABLE_START} … ${TABLE_END} section: add it under "## Configuration"`);
  }
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}
