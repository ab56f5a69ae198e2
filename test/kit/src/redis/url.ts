/**
 * The Redis tests use when `REDIS_URL` is not set: the local default port and database 9, so a
 * test run never touches database 0, where applications keep their data.
 */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/9'

/** `url` without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return url
  }
}

/** The logical database a `redis://host:port/db` URL names (0 when it names none). */
export function urlDb(url: string): number {
  return Number(new URL(url).pathname.slice(1) || 0)
}
