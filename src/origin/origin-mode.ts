/**
 * Origin mode: edge-etag in front of an existing API. Requests under ORIGIN_PREFIX go to ORIGIN_URL; reads get
 * one strong ETag whatever replica answers, and real 304s (./read-through-origin.ts); every other method is
 * forwarded, its If-Match translated (./write-through-origin.ts). Off, and free, while ORIGIN_URL is empty.
 */

import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../env.ts'
import { edgeLocation, readOriginConfig, upstreamUrlOf } from './origin-config.ts'
import { readThroughOrigin } from './read-through-origin.ts'
import { writeThroughOrigin } from './write-through-origin.ts'

/**
 * forwardToOrigin answers requests under the origin prefix from the origin, and passes every other request on.
 *
 * @example app.use(forwardToOrigin)
 */
export const forwardToOrigin = createMiddleware<AppEnv>(async (c, next) => {
  const config = readOriginConfig(c.env)
  const url = config === null ? null : upstreamUrlOf(config, new URL(c.req.url))
  if (config === null || url === null) return next()
  const edge = new URL(c.req.url)
  const target = {
    url,
    timeoutMs: config.timeoutMs,
    relocate: (location: string) => edgeLocation(config, url, edge, location),
  }
  const method = c.req.method
  return method === 'GET' || method === 'HEAD' ? readThroughOrigin(c, target) : writeThroughOrigin(c, target)
})
