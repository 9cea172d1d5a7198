/**
 * Origin mode: edge-etag in front of an existing API. Requests under ORIGIN_PREFIX go to ORIGIN_URL; reads get
 * one strong ETag whatever replica answers, and real 304s (./read-through-origin.ts); every other method is
 * forwarded, its If-Match translated (./write-through-origin.ts). Every answer from the origin is sandboxed
 * (./answer-sandbox.ts). Off, and free, while ORIGIN_URL is empty.
 */

import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../env.ts'
import { HttpError } from '../http/problem.ts'
import { sandboxed } from './answer-sandbox.ts'
import { readOriginConfig, upstreamUrlOf } from './origin-config.ts'
import type { OriginTarget } from './origin-exchange.ts'
import { edgeLocation } from './origin-location.ts'
import { readThroughOrigin } from './read-through-origin.ts'
import { recordKeyOf } from './record-key.ts'
import { refusedPathReason } from './request-target.ts'
import { writeThroughOrigin } from './write-through-origin.ts'

/**
 * forwardToOrigin answers requests under the origin prefix from the origin, and passes every other request on:
 * 400 for a path that could step out of ORIGIN_URL's base (a request target that is no path, `OPTIONS *`, is
 * refused before, by src/host-check.ts).
 *
 * @example app.use(forwardToOrigin)
 */
export const forwardToOrigin = createMiddleware<AppEnv>(async (c, next) => {
  const config = readOriginConfig(c.env)
  if (config === null) return next()
  const edge = new URL(c.req.url)
  const url = upstreamUrlOf(config, edge)
  if (url === null) return next()
  const refused = refusedPathReason(edge.pathname.slice(config.prefix.length))
  if (refused !== null) {
    throw new HttpError(400, `The path holds ${refused}, which could lead outside the origin's base`)
  }
  const target: OriginTarget = {
    url,
    timeoutMs: config.timeoutMs,
    relocate: (location) => edgeLocation(config, url, location),
    recordKey: recordKeyOf(url, config.recordQuery),
  }
  const method = c.req.method
  const answer =
    method === 'GET' || method === 'HEAD'
      ? await readThroughOrigin(c, target)
      : await writeThroughOrigin(c, target)
  return sandboxed(answer)
})
