import { readFile } from 'node:fs/promises';
import { ChangesRefusedError } from '../model/errors.js';
import type { Logger } from '../ports/logger.js';
import type { DeclaredEndpoints } from './declared-endpoints.js';
import { describeProblem, type FileProblem, locate, parseEndpointsYaml } from './endpoints-yaml.js';

/**
 * Applies an endpoints file (at start and on SIGHUP). A file that cannot be read or has any error
 * changes nothing: each problem is logged with the file, line and field. Resolves whether it applied.
 */
export async function applyEndpointsFile(
  path: string,
  declared: DeclaredEndpoints,
  logger: Logger,
): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    logger.error({ err: error, file: path }, `${path}: cannot be read; endpoints unchanged`);
    return false;
  }
  const refuse = (problems: FileProblem[]) => {
    for (const problem of problems)
      logger.error({ file: path, line: problem.line, field: problem.field }, describeProblem(path, problem));
    logger.error(
      { file: path, problems: problems.length },
      `${path}: ${problems.length} problem(s); endpoints unchanged`,
    );
    return false;
  };
  const parsed = parseEndpointsYaml(text);
  if (!parsed.ok) return refuse(parsed.problems);
  try {
    await declared.apply(parsed.endpoints, { source: path });
    return true;
  } catch (error) {
    if (error instanceof ChangesRefusedError) {
      const issues = Object.entries(error.errors).flatMap(([field, messages]) =>
        messages.map((message) => ({
          path: field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
          message,
        })),
      );
      return refuse(locate(text, issues));
    }
    logger.error({ err: error, file: path }, `${path}: could not be applied: ${(error as Error).message}`);
    return false;
  }
}
