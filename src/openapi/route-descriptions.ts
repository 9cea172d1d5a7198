/**
 * What a route handler does, in terms an API description can state: the OpenAPI document is generated from
 * the app's own route table (`app.routes`), and each handler that a resource declares is marked here with the
 * operation it performs, so that a route mounted anywhere is described at the path it is mounted at.
 */

import type { Handler } from 'hono'

/** ResourceOperation is one of the operations every declared resource serves. */
export type ResourceOperation = 'page' | 'create' | 'read' | 'replace' | 'patch' | 'delete'

/**
 * AdminOperation is an operation the app serves for every declared resource at once, the resource named by a
 * path parameter: `reindex` backfills its indexes (src/json-resource/reindex.ts).
 */
export type AdminOperation = 'reindex'

/**
 * RouteDescription says what a handler does: an operation of one resource, or an admin operation whose
 * resource is a path parameter.
 */
export type RouteDescription =
  | { readonly resource: string; readonly operation: ResourceOperation }
  | { readonly operation: AdminOperation }

const descriptions = new WeakMap<object, RouteDescription>()

/**
 * describedRoute marks a handler with what it does and returns it, unchanged.
 *
 * @example app.get('/', describedRoute({ resource: 'tasks', operation: 'page' }, (c) => readPage(c, 'tasks')))
 * @example admin.post('/reindex/:resource', describedRoute({ operation: 'reindex' }, (c) => reindex(c)))
 */
export function describedRoute<H extends Handler>(description: RouteDescription, handler: H): H {
  descriptions.set(handler, description)
  return handler
}

/**
 * descriptionOf returns what a handler was marked with, or null for a handler nothing declared
 * (middleware, a forker's own route).
 *
 * @example descriptionOf(app.routes[0].handler) // { resource: 'tasks', operation: 'page' }
 */
export function descriptionOf(handler: unknown): RouteDescription | null {
  return typeof handler === 'function' ? (descriptions.get(handler) ?? null) : null
}
