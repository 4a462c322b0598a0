import { Ajv2020 } from 'ajv/dist/2020.js';
import type { OpenApiDocument } from '../../src/api/openapi/openapi-document.js';

/** A Hono route path (`/endpoints/:id`) as OpenAPI writes it (`/endpoints/{id}`). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

interface MediaType {
  schema?: object;
}
interface Operation {
  responses?: Record<string, { content?: Record<string, MediaType> }>;
}

/**
 * Checks recorded answers against the document: the status must be one the operation lists, and a
 * JSON body must match that status's schema (JSON Schema 2020-12, as OpenAPI 3.1 says).
 * Resolves the problems found, none when the answer is as described.
 */
export function answerChecker(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const components = (document as { components?: object }).components ?? {};
  const compiled = new Map<object, ReturnType<typeof ajv.compile>>();
  return (method: string, honoPath: string, status: number, contentType: string, body: unknown): string[] => {
    const path = openApiPath(honoPath);
    const operation = (document.paths?.[path] as Record<string, Operation> | undefined)?.[
      method.toLowerCase()
    ];
    if (!operation) return [`${method} ${path} is not in the document`];
    const response = operation.responses?.[String(status)];
    if (!response) return [`${method} ${path} answered ${status}, which the document does not list`];
    const media = contentType.split(';')[0]!.trim();
    const described = response.content?.[media];
    if (response.content && !described)
      return [`${method} ${path} ${status} answered ${media}, not described`];
    if (!described?.schema || media !== 'application/json') return [];
    let validate = compiled.get(described.schema);
    if (!validate) {
      validate = ajv.compile({ ...described.schema, components });
      compiled.set(described.schema, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) => `${method} ${path} ${status}: ${error.instancePath || 'body'} ${error.message}`,
    );
  };
}
