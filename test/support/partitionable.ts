import type { CoordinationPort, LockChange, WatchHandlers } from '../../src/ports/coordination.js';

/**
 * Wraps a port so that every call fails while `online()` is false. Watch events that happen
 * meanwhile are held and delivered once the host calls etcd successfully again, as a real watch
 * resumes from its last revision after the network heals.
 */
export function partitionable(port: CoordinationPort, online: () => boolean): CoordinationPort {
  const held: { handlers: WatchHandlers; change: LockChange }[] = [];
  const flush = () => {
    for (const { handlers, change } of held.splice(0)) handlers.onChange(change);
  };
  const guard = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (!online()) return Promise.reject(new Error('etcd unreachable (partitioned)'));
          flush();
          return value.apply(obj, args);
        };
      },
    });
  const lock = guard(port.lock);
  return {
    lease: guard(port.lease),
    lock: {
      ...lock,
      watch: (prefix, handlers) =>
        lock.watch(prefix, {
          ...handlers,
          onChange: (change) => {
            if (online()) handlers.onChange(change);
            else held.push({ handlers, change });
          },
        }),
    },
    kv: guard(port.kv),
    liveness: guard(port.liveness),
    close: port.close,
  };
}
