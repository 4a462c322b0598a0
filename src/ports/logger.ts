/** The subset of pino the agent uses, so tests can pass a silent or recording logger. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

/**
 * A child logger made on first use: each of thousands of VIP actors keeps one, and most never log
 * a line (a pino child costs its bindings, serialised, and an object chain).
 */
export function lazyChild(logger: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const get = () => {
    child ??= logger.child(bindings);
    return child;
  };
  // Arguments passed as given: pino tells a missing message from an undefined one.
  return {
    debug: (...args: [object, string?]) => get().debug(...args),
    info: (...args: [object, string?]) => get().info(...args),
    warn: (...args: [object, string?]) => get().warn(...args),
    error: (...args: [object, string?]) => get().error(...args),
    child: (more) => lazyChild(logger, { ...bindings, ...more }),
  };
}
