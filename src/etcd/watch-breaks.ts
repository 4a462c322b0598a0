import type { Watcher } from 'etcd3';

/**
 * etcd3 re-creates a broken watch from the last revision it saw; still, once it is connected again,
 * `onReconnect` lets the owner re-read what the break may have hidden. Errors are passed on.
 */
export function followWatchBreaks(
  watcher: Watcher,
  handlers: { onReconnect: () => void; onError: (error: Error) => void },
): void {
  let broken = false;
  watcher.on('disconnected', () => {
    broken = true;
  });
  watcher.on('connected', () => {
    if (broken) handlers.onReconnect();
    broken = false;
  });
  watcher.on('error', (err) => handlers.onError(err));
}
