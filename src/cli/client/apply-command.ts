import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { DeclaredPlan, PlannedChange } from '../../declarative/declared-plan.js';
import { describeProblem, locate, parseEndpointsYaml } from '../../declarative/endpoints-yaml.js';
import { ApiError, type LinkApiClient } from './api-client.js';

/** A file the client refuses before or after asking the API: each line names the file, line and field. */
export class FileRefusedError extends Error {}

/**
 * `link-client apply -f FILE`: checks the file here (so errors carry lines), sends its endpoints
 * as written, and prints the plan the agent answers (applied unless `--dry-run`). Field errors the
 * agent finds are mapped back to the file's lines too.
 */
export async function applyFile(
  client: LinkApiClient,
  path: string,
  options: { dryRun: boolean; prune: boolean },
): Promise<{ text: string; plan: DeclaredPlan }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FileRefusedError(`${path}: cannot be read (${(error as Error).message})`);
  }
  const parsed = parseEndpointsYaml(text);
  if (!parsed.ok) throw new FileRefusedError(parsed.problems.map((p) => describeProblem(path, p)).join('\n'));
  const raw = (parseDocument(text).toJS() ?? {}) as { endpoints?: unknown };
  try {
    const answer = await client.apply(raw.endpoints ?? [], options);
    return { text: answer.text, plan: answer.body.plan };
  } catch (error) {
    if (error instanceof ApiError && error.fields) {
      const issues = Object.entries(error.fields).flatMap(([field, messages]) =>
        messages.map((message) => ({
          path: field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
          message,
        })),
      );
      throw new FileRefusedError(
        `${error.message}\n${locate(text, issues)
          .map((p) => describeProblem(path, p))
          .join('\n')}`,
      );
    }
    throw error;
  }
}

/** The plan, one line per change, then a summary line. */
export function formatPlan(plan: DeclaredPlan, dryRun: boolean): string {
  const line = (verb: string, change: PlannedChange) =>
    [
      verb.padEnd(7),
      change.ip.padEnd(20),
      change.id ?? '',
      change.fields ? `(${change.fields.join(', ')})` : '',
    ]
      .join(' ')
      .trimEnd();
  const lines = [
    ...plan.create.map((c) => line('create', c)),
    ...plan.update.map((c) => line('update', c)),
    ...plan.delete.map((c) => line('delete', c)),
  ];
  const summary = `${plan.create.length} to create, ${plan.update.length} to update, ${plan.delete.length} to delete, ${plan.unchanged.length} unchanged`;
  lines.push(dryRun ? `Plan: ${summary} (dry run: nothing changed)` : `Applied: ${summary}`);
  return lines.join('\n');
}
