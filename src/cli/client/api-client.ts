import type { TransitionRecord } from '../../agent/agent-service.js';
import type { EndpointJson } from '../../api/endpoint-json.js';
import type { DeclaredPlan } from '../../declarative/declared-plan.js';
import type { WireHealthCheck } from '../../model/endpoint-schema.js';

/** The API refused, or could not be reached; the message is what the operator reads. */
export class ApiError extends Error {
  /** The fields the API named as wrong (`{"errors":{field:[messages]}}`), when it named any. */
  fields: Record<string, string[]> | undefined;

  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  user?: string;
  password?: string;
  timeoutMs: number;
  userAgent: string;
}

/** One answer: the parsed JSON for display, the raw text for `--json`. */
export interface ApiAnswer<T> {
  status: number;
  text: string;
  body: T;
}

export interface CreateEndpointRequest {
  plugin: string;
  plugin_config: { ip: string };
  checks: WireHealthCheck[];
  healthcheck_interval: number;
  fault_policy?: string;
  preferred_hosts?: string[];
}

export interface DrainAnswer {
  drained: true;
  handed_over: { id: string; ip: string; holder: string | null }[];
}

export type BulkAnswer =
  | { created: EndpointJson[]; updated: EndpointJson[]; deleted: string[] }
  | { dry_run: true; create: number; update: number; delete: number };

export interface ApplyAnswer {
  dry_run: boolean;
  prune: boolean;
  plan: DeclaredPlan;
}

/** LinK's HTTP API, one method per route the CLI uses. */
export class LinkApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  /** LinK's full list without `filters`; filtered (and paged with `limit`/`cursor`) with them. */
  list(filters: Record<string, string> = {}) {
    const query = new URLSearchParams(filters).toString();
    return this.request<{ endpoints: EndpointJson[]; total?: number; next_cursor?: string | null }>(
      'GET',
      query === '' ? '/endpoints' : `/endpoints?${query}`,
    );
  }

  /** `POST /endpoints/bulk`: the body is sent as given (`{"create":[…],"update":[…],"delete":[…]}`). */
  bulk(body: unknown, dryRun = false) {
    return this.request<BulkAnswer>('POST', `/endpoints/bulk${dryRun ? '?dry_run=true' : ''}`, body);
  }

  get(id: string) {
    return this.request<{ endpoint: EndpointJson }>('GET', `/endpoints/${encodeURIComponent(id)}`);
  }

  hosts(id: string) {
    return this.request<{ hosts: { hostname: string }[] }>(
      'GET',
      `/endpoints/${encodeURIComponent(id)}/hosts`,
    );
  }

  create(body: CreateEndpointRequest) {
    return this.request<{ endpoint: EndpointJson }>('POST', '/endpoints', body);
  }

  remove(id: string) {
    return this.request<undefined>('DELETE', `/endpoints/${encodeURIComponent(id)}`);
  }

  failover(id: string) {
    return this.request<undefined>('POST', `/endpoints/${encodeURIComponent(id)}/failover`);
  }

  setHealthChecks(id: string, checks: WireHealthCheck[]) {
    return this.request<EndpointJson>('PUT', `/endpoints/${encodeURIComponent(id)}`, {
      healthchecks: checks,
    });
  }

  history(query: Record<string, string | undefined>) {
    const params = new URLSearchParams(
      Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ).toString();
    return this.request<{ history: TransitionRecord[]; source?: string }>(
      'GET',
      `/history${params ? `?${params}` : ''}`,
    );
  }

  /** `POST /endpoints/apply`: the endpoints of a file, as the file has them. */
  apply(endpoints: unknown, options: { dryRun: boolean; prune: boolean }) {
    return this.request<ApplyAnswer>('POST', `/endpoints/apply${options.dryRun ? '?dry_run=true' : ''}`, {
      endpoints,
      prune: options.prune,
    });
  }

  drain(force: boolean) {
    return this.request<DrainAnswer>('POST', '/host/drain', { force });
  }

  undrain() {
    return this.request<{ drained: false }>('POST', '/host/undrain');
  }

  version() {
    return this.request<{ version: string }>('GET', '/version');
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const { baseUrl, user, password, timeoutMs, userAgent } = this.options;
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': userAgent };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (user !== undefined || password !== undefined) {
      headers.Authorization = `Basic ${Buffer.from(`${user ?? ''}:${password ?? ''}`).toString('base64')}`;
    }
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ApiError(`cannot reach LinK at ${baseUrl}: ${reason(error, timeoutMs)}`, undefined, {
        cause: error,
      });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Issue seen with LinK: --host pointed at etcd (2379) instead of the API (1313).
      throw new ApiError(
        `${method} ${path}: HTTP ${response.status}, and the answer is not LinK's JSON: is ${baseUrl} the LinK API (port 1313), not etcd?`,
        response.status,
      );
    }
    if (!response.ok) {
      const error = new ApiError(errorMessage(response.status, parsed), response.status);
      error.fields = fieldErrors(parsed);
      throw error;
    }
    return { status: response.status, text, body: parsed as T };
  }
}

function fieldErrors(body: unknown): Record<string, string[]> | undefined {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!errors || typeof errors !== 'object') return undefined;
  return Object.fromEntries(
    Object.entries(errors as Record<string, unknown>).map(([field, messages]) => [
      field,
      Array.isArray(messages) ? messages.map(String) : [String(messages)],
    ]),
  );
}

/** `{"error":…}` or LinK's `{"errors":{"field":["msg"]}}`, as one line. */
function errorMessage(status: number, body: unknown): string {
  const data = (body ?? {}) as { error?: unknown; errors?: unknown };
  if (typeof data.error === 'string') return data.error;
  if (data.errors && typeof data.errors === 'object') {
    const fields = Object.entries(data.errors as Record<string, unknown>).map(
      ([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join(', ') : String(messages)}`,
    );
    return `invalid request: ${fields.join('; ')}`;
  }
  return `HTTP ${status}`;
}

function reason(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError')
    return `no answer within ${timeoutMs / 1000} s`;
  const cause = (error as { cause?: { message?: string; code?: string } }).cause;
  return cause?.message ?? cause?.code ?? (error instanceof Error ? error.message : String(error));
}
