import type { Logger } from '../ports/logger.js';
import { ExecHook } from './exec-hook.js';
import { Notifier } from './notifier.js';
import type { NotifyHook } from './notify-event.js';
import { WebhookHook } from './webhook-hook.js';

export interface NotifySettings {
  exec?: string | undefined;
  webhook?: string | undefined;
  webhookSecret?: string | undefined;
  timeoutMs: number;
}

/** The agent-wide hooks from linkd's settings: the executable first, then the webhook. */
export function createNotifier(
  settings: NotifySettings,
  logger: Logger,
  onOutcome: (hook: string, result: string) => void,
): Notifier {
  const hooks: NotifyHook[] = [];
  if (settings.exec) hooks.push(new ExecHook({ path: settings.exec, timeoutMs: settings.timeoutMs }));
  if (settings.webhook)
    hooks.push(
      new WebhookHook({
        url: settings.webhook,
        secret: settings.webhookSecret,
        timeoutMs: settings.timeoutMs,
      }),
    );
  return new Notifier({
    hooks,
    logger: logger.child({ component: 'notify' }),
    onOutcome: (hook, outcome) => onOutcome(hook, outcome.result),
  });
}
