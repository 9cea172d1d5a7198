/**
 * Origin mode's settings (wrangler.toml [vars]): where the existing API is, which of this worker's paths it
 * serves, how long to wait for it, and which query parameters a recorded URL may hold. Off unless ORIGIN_URL
 * is set.
 */

import type { Env } from '../env.ts'

/** DEFAULT_ORIGIN_PREFIX is the path under which the origin is served when ORIGIN_PREFIX is not set. */
export const DEFAULT_ORIGIN_PREFIX = '/origin'
/**
 * DEFAULT_ORIGIN_TIMEOUT_MS bounds each wait for the origin: for its answer's head, and for each next part of a
 * body edge-etag reads or passes on. A client that downloads slowly is never cut short by it.
 */
export const DEFAULT_ORIGIN_TIMEOUT_MS = 10_000

/** OriginConfig is origin mode switched on. */
export interface OriginConfig {
  /** The origin's base URL; a request's path under `prefix` is appended to its path. */
  readonly base: URL
  /** This worker's path prefix for the origin, without a trailing slash ('' serves every path). */
  readonly prefix: string
  readonly timeoutMs: number
  /**
   * The query parameters a recorded URL may hold (ORIGIN_RECORD_QUERY): a URL whose query holds any other is
   * answered with our tag, hashed afresh, but never recorded, so made-up query strings cost no KV writes (see
   * recordKeyOf in ./record-key.ts).
   */
  readonly recordQuery: readonly string[]
}

/**
 * readOriginConfig returns origin mode's settings, or null when ORIGIN_URL is empty (origin mode off). An
 * ORIGIN_URL that is not an absolute http(s) URL is a deployment mistake, so it throws (the request gets a 500
 * and the log says why) rather than quietly serving something else.
 *
 * @example readOriginConfig({ ...env, ORIGIN_URL: 'https://api.internal.example' })?.prefix // '/origin'
 */
export function readOriginConfig(env: Env): OriginConfig | null {
  const url = env.ORIGIN_URL?.trim() ?? ''
  if (url === '') return null
  const base = URL.canParse(url) ? new URL(url) : null
  if (base === null || (base.protocol !== 'http:' && base.protocol !== 'https:')) {
    throw new Error(`ORIGIN_URL ${JSON.stringify(url)} is not an absolute http(s) URL`)
  }
  base.search = ''
  base.hash = ''
  const prefix = `/${(env.ORIGIN_PREFIX ?? DEFAULT_ORIGIN_PREFIX).trim()}`
    .replace(/\/+/g, '/')
    .replace(/\/$/, '')
  const timeoutMs = Number(env.ORIGIN_TIMEOUT_MS)
  return {
    base,
    prefix,
    timeoutMs: Number.isSafeInteger(timeoutMs) && timeoutMs > 0 ? timeoutMs : DEFAULT_ORIGIN_TIMEOUT_MS,
    recordQuery: (env.ORIGIN_RECORD_QUERY ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  }
}

/**
 * upstreamUrlOf returns the origin URL a request URL maps to, or null when its path is not under the prefix:
 * the path after the prefix goes after the base URL's path, and the query is kept as it is.
 *
 * @example upstreamUrlOf(config, new URL('https://edge.example/origin/users/1?x=1'))
 * // https://api.internal.example/users/1?x=1
 */
export function upstreamUrlOf(config: OriginConfig, url: URL): URL | null {
  const { pathname } = url
  if (pathname !== config.prefix && !pathname.startsWith(`${config.prefix}/`)) return null
  const upstream = new URL(config.base)
  const rest = pathname.slice(config.prefix.length)
  upstream.pathname = `${config.base.pathname.replace(/\/$/, '')}${rest}` || '/'
  upstream.search = url.search
  return upstream
}
