/**
 * What the app answers when no route handles a request: 404 when nothing is served at the path, and when
 * something is, 405 with Allow (RFC 9110 section 15.5.6), or, for OPTIONS, 204 with Allow (section 9.3.7).
 * The allowed methods are read from the app's own routes, so every route, a forker's included, gets them.
 */

import type { Context, NotFoundHandler } from 'hono'
import { TrieRouter } from 'hono/router/trie-router'
import { requestIdOf } from './errors.ts'
import { problemResponse } from './http/problem.ts'
import { STATIC_FILE_METHODS, type StaticFiles } from './static-assets.ts'

/** RoutedApp is what this needs of a Hono app: its routes, as `app.routes` lists them. */
export interface RoutedApp {
  readonly routes: readonly { readonly method: string; readonly path: string }[]
}

/** METHODS are the methods a route may be declared for, in the order Allow lists them. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/**
 * allowedMethodsOf returns a function that lists the methods the app's routes serve at a path, or none. A
 * path served by GET is served by HEAD too (Hono answers HEAD with the GET route), and any served path
 * answers OPTIONS. Middleware (`use`, `all`) serves no method of its own.
 *
 * @example allowedMethodsOf(app)('/api/tasks') // ['GET', 'HEAD', 'OPTIONS']
 */
export function allowedMethodsOf(app: RoutedApp): (path: string) => string[] {
  let router: TrieRouter<true> | undefined
  return (path) => {
    // Built on first use, once every route is registered.
    if (router === undefined) {
      router = new TrieRouter<true>()
      for (const route of app.routes) if (route.method !== 'ALL') router.add(route.method, route.path, true)
    }
    const routed = METHODS.filter((method) => (router?.match(method, path)[0].length ?? 0) > 0)
    if (routed.length === 0) return []
    return METHODS.filter(
      (method) =>
        routed.includes(method) || (method === 'HEAD' && routed.includes('GET')) || method === 'OPTIONS',
    )
  }
}

/**
 * answerUnrouted returns the app's notFound handler: 204 with Allow for OPTIONS, 405 with Allow for any
 * other method the path does not serve, and 404 when nothing is served at the path. With `filesOf`, a path no
 * route serves may be a static file: served to GET and HEAD, and its other methods answered as a route's are.
 *
 * @example app.notFound(answerUnrouted(app, (c) => staticFilesOf(c.env.ASSETS)))
 */
export function answerUnrouted(
  app: RoutedApp,
  filesOf?: (c: Context) => StaticFiles | null,
): NotFoundHandler {
  const allowedAt = allowedMethodsOf(app)
  return async (c) => {
    let allowed = allowedAt(c.req.path)
    const files = allowed.length === 0 ? (filesOf?.(c) ?? null) : null
    if (files !== null) {
      const method = c.req.method
      // Another method asks whether a file is there, as a GET would, without the request's own fields.
      const probe =
        method === 'GET' || method === 'HEAD' ? c.req.raw : new Request(c.req.url, { method: 'HEAD' })
      const served = await files.serve(probe)
      if (served !== null && probe === c.req.raw) return served
      if (served !== null) allowed = STATIC_FILE_METHODS
    }
    if (allowed.length === 0) {
      // Echo a path only as far as a reader needs it; a 20 KB path is not worth sending back.
      const path = c.req.path.length > 200 ? `${c.req.path.slice(0, 200)}...` : c.req.path
      return problemResponse(404, `Nothing is served at ${path}`, {}, requestIdOf(c))
    }
    const allow = allowed.join(', ')
    if (c.req.method === 'OPTIONS') return new Response(null, { status: 204, headers: { Allow: allow } })
    const detail = `${c.req.method} is not supported here; use ${allow}`
    return problemResponse(405, detail, { Allow: allow }, requestIdOf(c))
  }
}
