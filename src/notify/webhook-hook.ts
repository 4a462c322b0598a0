import { createHmac } from 'node:crypto';
import type { TransitionRecord } from '../agent/agent-service.js';
import type { HookOutcome, NotifyHook } from './notify-event.js';

export interface WebhookOptions {
  url: string;
  /** HMAC-SHA256 key for `X-Link-Webhook-Signature`; unsigned without one. */
  secret?: string | undefined;
  timeoutMs: number;
}

/**
 * A POST on every state change, signed as LinK v3.3's webhook plugin signs it (hex HMAC-SHA256 of
 * `"<unix seconds>.<body>"`), so receivers written for LinK verify it unchanged. LinK's body fields
 * (`endpoint_id`, `plugin`, `status`) come first; the rest is what LinK never sent. Redirects are
 * not followed (LinK's guard against SSRF); any answer but 2xx counts as a failure.
 */
export class WebhookHook implements NotifyHook {
  readonly kind = 'webhook';

  constructor(private readonly options: WebhookOptions) {}

  async run(record: TransitionRecord): Promise<HookOutcome> {
    const started = Date.now();
    const body = JSON.stringify({
      endpoint_id: record.endpointId,
      plugin: 'webhook',
      status: record.to,
      old_status: record.from,
      ip: record.ip ?? null,
      election_key: record.electionKey,
      holder: record.holder ?? null,
      hostname: record.hostname,
      event: record.event,
      cause: record.cause,
      at: new Date(record.at).toISOString(),
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-link-webhook-timestamp': timestamp,
    };
    if (this.options.secret)
      headers['x-link-webhook-signature'] = signWebhook(this.options.secret, timestamp, body);
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      const durationMs = Date.now() - started;
      if (res.status >= 200 && res.status < 300)
        return { result: 'ok', status: res.status, durationMs, detail: '' };
      return { result: 'failed', status: res.status, durationMs, detail: `answered HTTP ${res.status}` };
    } catch (error) {
      const durationMs = Date.now() - started;
      const timeout = (error as Error).name === 'TimeoutError';
      return timeout
        ? {
            result: 'timeout',
            status: null,
            durationMs,
            detail: `no answer within ${this.options.timeoutMs} ms`,
          }
        : { result: 'error', status: null, durationMs, detail: (error as Error).message };
    }
  }
}

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}
