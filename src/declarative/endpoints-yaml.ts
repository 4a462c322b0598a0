import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type DeclaredEndpoint, endpointsFileSchema } from '../model/endpoints-file-schema.js';

/** One thing wrong with an endpoints file, where it is. */
export interface FileProblem {
  line: number;
  column: number;
  /** Dotted path of the field, e.g. `endpoints.2.checks.0.port`; empty for the whole file. */
  field: string;
  message: string;
}

export type EndpointsFileResult =
  | { ok: true; endpoints: DeclaredEndpoint[] }
  | { ok: false; problems: FileProblem[] };

/**
 * Reads an endpoints file: YAML syntax first, then the same checks as the API, each problem
 * with the line and the field, so an operator can fix the file without guessing.
 */
export function parseEndpointsYaml(text: string): EndpointsFileResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const at = lines.linePos(error.pos[0]);
        return { line: at.line, column: at.col, field: '', message: error.message.split('\n')[0] ?? '' };
      }),
    };
  }
  const data = doc.toJS() ?? {};
  const result = endpointsFileSchema.safeParse(data);
  if (result.success) return { ok: true, endpoints: result.data.endpoints };
  return { ok: false, problems: locate(text, result.error.issues.flatMap(perField)) };
}

/** An unknown key is reported at its own line, under its own name. */
function perField(issue: z.core.$ZodIssue): Pick<z.core.$ZodIssue, 'path' | 'message'>[] {
  if (issue.code !== 'unrecognized_keys') return [issue];
  return issue.keys.map((key) => ({ path: [...issue.path, key], message: `unknown field '${key}'` }));
}

/** Finds the line of each field an error names: the field itself, or the nearest parent that exists. */
export function locate(
  text: string,
  issues: readonly Pick<z.core.$ZodIssue, 'path' | 'message'>[],
): FileProblem[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    let offset = 0;
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) {
        offset = node.range[0];
        break;
      }
    }
    const at = lines.linePos(offset);
    return { line: at.line, column: at.col, field: path.join('.'), message: issue.message };
  });
}

/** `endpoints.yaml:12:7: endpoints.1.checks.0.port: port must be an integer from 1 to 65535`. */
export function describeProblem(source: string, problem: FileProblem): string {
  const where = `${source}:${problem.line}:${problem.column}`;
  return problem.field ? `${where}: ${problem.field}: ${problem.message}` : `${where}: ${problem.message}`;
}
