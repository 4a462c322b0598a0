/** LinK's API port, the default when `--host` has none and no scheme. */
export const DEFAULT_PORT = 1313;

/**
 * The API's base URL from `--host`: `host:port` as in LinK, or a full `http(s)://` URL (LinK
 * prepended `http://` blindly, so `--host https://…` could not work). Undefined when unusable.
 */
export function parseHost(value: string): string | undefined {
  const trimmed = value.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  let url: URL;
  try {
    url = new URL(hasScheme ? trimmed : `http://${trimmed}`);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return undefined;
  if (url.username || url.password || url.search || url.hash) return undefined;
  const port = url.port || (hasScheme ? '' : String(DEFAULT_PORT));
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.hostname}${port ? `:${port}` : ''}${path}`;
}
