/**
 * jsonResource: a JSON resource from a declaration. It returns a Hono sub-app serving
 *
 *   GET, HEAD             /           a page of the collection, in id order, with `next` and Link
 *   POST                  /           a new document, its id (a UUIDv7) picked by the server
 *   GET, HEAD             /:id        the document: validator-first, so a 304 never reads its bytes
 *   PUT, PATCH, DELETE    /:id        conditional writes, committed atomically by the document's writer
 *
 * with 405 and OPTIONS from the app's notFound (src/allowed-methods.ts) and problem+json errors naming the
 * document. Every resource shares one KV namespace (keys prefixed by its name) and one Durable Object class
 * (objects named by resource and id), so declaring one needs no binding and no migration.
 */

import type { StandardSchemaV1 } from '@standard-schema/spec'
import { type Context, Hono } from 'hono'
import { requireBearerToken } from '../auth.ts'
import { defineIndexes, type IndexDeclaration } from '../documents/collection-index.ts'
import { declareResource } from '../documents/resource-rules.ts'
import type { AppEnv } from '../env.ts'
import { describedRoute } from '../openapi/route-descriptions.ts'
import { targetOf } from './context.ts'
import { readDocument } from './read-document.ts'
import { readPage } from './read-page.ts'
import {
  createDocument,
  MERGE_PATCH_TYPE,
  patchDocument,
  removeDocument,
  replaceDocument,
} from './write-document.ts'

/** JsonResourceDeclaration is what a forker writes to get a resource. */
export interface JsonResourceDeclaration {
  /** Names the resource in KV keys, writer objects and messages: a lowercase letter, then a-z, 0-9, "-". */
  readonly name: string
  /** A Standard Schema (zod, valibot, arktype...) every stored document must pass. Optional. */
  readonly schema?: StandardSchemaV1
  /**
   * What pages may be asked: `{ where: 'done' }` serves `?done=false`, `{ where: 'tags', each: true }` serves
   * `?tags=home` (an array member that contains the value), `{ sort: 'due' }` serves `?sort=due` and
   * `?sort=-due`, and `{ where: 'done', sort: 'due' }` both at once. Any other query is a 400. Optional.
   */
  readonly indexes?: readonly IndexDeclaration[]
}

/**
 * jsonResource declares a resource and returns its routes, to be mounted at the resource's path. It throws
 * at startup when the name is not valid or is taken.
 *
 * @example
 * export const tasks = jsonResource({ name: 'tasks', schema: taskSchema, indexes: [{ where: 'done' }] })
 * app.route('/api/tasks', tasks)
 */
export function jsonResource({ name, schema, indexes = [] }: JsonResourceDeclaration): Hono<AppEnv> {
  const rules = declareResource({ name, schema, indexes: defineIndexes(indexes) })
  return (
    new Hono<AppEnv>()
      .get(
        '/',
        describedRoute({ resource: name, operation: 'page' }, (c) => readPage(c, rules)),
      )
      .post(
        '/',
        requireBearerToken,
        describedRoute({ resource: name, operation: 'create' }, (c) => createDocument(c, name, rules)),
      )
      // GET and HEAD, the hot path, come before the middleware below, which they never reach: they check their
      // id and advertise PATCH themselves.
      .get(
        '/:id',
        describedRoute({ resource: name, operation: 'read' }, (c) => readDocument(c, name)),
      )
      .use('/:id', async (c, next) => {
        // Every other method, OPTIONS and unsupported ones included, answers an invalid id with 400.
        targetOf(c, name)
        await next()
        advertisePatchFormats(c)
      })
      .put(
        '/:id',
        requireBearerToken,
        describedRoute({ resource: name, operation: 'replace' }, (c) => replaceDocument(c, name, rules)),
      )
      .patch(
        '/:id',
        requireBearerToken,
        describedRoute({ resource: name, operation: 'patch' }, (c) => patchDocument(c, name)),
      )
      .delete(
        '/:id',
        requireBearerToken,
        describedRoute({ resource: name, operation: 'delete' }, (c) => removeDocument(c, name)),
      )
  )
}

// RFC 5789 section 3.1: a resource that accepts PATCH says in which formats, on OPTIONS among others (GET and
// HEAD say it themselves).
function advertisePatchFormats(c: Context<AppEnv>): void {
  if (c.req.method === 'OPTIONS' && c.res.status < 300) c.res.headers.set('Accept-Patch', MERGE_PATCH_TYPE)
}
