import type { CoordinationPort } from '../../src/ports/coordination.js';

/** Wraps a port so that every call fails while `online()` is false. */
export function partitionable(port: CoordinationPort, online: () => boolean): CoordinationPort {
  const guard = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (!online()) return Promise.reject(new Error('etcd unreachable (partitioned)'));
          return value.apply(obj, args);
        };
      },
    });
  return {
    lease: guard(port.lease),
    lock: guard(port.lock),
    kv: guard(port.kv),
    liveness: guard(port.liveness),
    close: port.close,
  };
}
