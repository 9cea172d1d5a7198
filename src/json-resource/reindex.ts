/**
 * The backfill of indexes: an index declared on a resource that already holds documents (a deployed API) has
 * no entries for them until each document's writer writes them. `POST /admin/reindex/<resource>` does that for
 * one page of documents (in id order) and answers with `next`, to be posted until it is null; it can stop and
 * resume anywhere, and running it again changes nothing. While it runs, a query answers from the entries
 * written so far: documents not reached yet are missing from query pages (never wrong ones, which the 200's
 * check of each member keeps out).
 */

import { type Context, Hono } from 'hono'
import { requireBearerToken } from '../auth.ts'
import { nextPageUrl, readPageQuery } from '../documents/collection-page.ts'
import { StorageUnavailableError } from '../documents/document.ts'
import { rulesOf } from '../documents/resource-rules.ts'
import type { AppEnv } from '../env.ts'
import { HttpError } from '../http/problem.ts'
import { describedRoute } from '../openapi/route-descriptions.ts'
import { documentWriterFor } from '../store/document-writer.ts'
import { storeOf } from './context.ts'

/**
 * reindexRoutes serves `POST /reindex/:resource` (mounted under `/admin`): reindex one page of a resource's
 * documents, `?limit=` of them (default 100) from `?cursor=`; 404 for a resource never declared.
 *
 * @example app.route('/admin', reindexRoutes)
 */
export const reindexRoutes = new Hono<AppEnv>().post(
  '/reindex/:resource',
  requireBearerToken,
  describedRoute({ operation: 'reindex' }, reindexPage),
)

async function reindexPage(c: Context<AppEnv, '/reindex/:resource'>): Promise<Response> {
  const resource = c.req.param('resource')
  const rules = rulesOf(resource)
  if (rules === null)
    throw new HttpError(404, `No resource is declared as ${JSON.stringify(resource.slice(0, 64))}`)
  const unknown = [...new URL(c.req.url).searchParams.keys()].find(
    (name) => name !== 'limit' && name !== 'cursor',
  )
  // Never silently ignored: a misspelt `limit` would reindex a page of the default size.
  if (unknown !== undefined) {
    throw new HttpError(
      400,
      `${JSON.stringify(unknown.slice(0, 64))} is not a parameter here; use limit and cursor`,
    )
  }
  const scope = `reindex:${resource}`
  const page = await readPageQuery(scope, {
    limit: c.req.queries('limit') ?? [],
    cursor: c.req.queries('cursor') ?? [],
  })
  if (!page.ok) throw new HttpError(400, page.detail)
  const listing = await storeOf(c).list(resource, page)
  const outcomes = await Promise.all(
    listing.documents.map(async ({ id }) => {
      const target = { resource, id }
      try {
        return await documentWriterFor(c.env, target).reindex(target)
      } catch (error) {
        throw new StorageUnavailableError(`The writer of ${resource}/${id}`, error)
      }
    }),
  )
  const failed = outcomes.filter((outcome) => outcome.result === 'failed').length
  if (failed > 0) throw new StorageUnavailableError(`Reindexing ${failed} documents of ${resource}`, failed)
  const next =
    listing.cursor === null ? null : await nextPageUrl(c.req.path, scope, page.limit, listing.cursor)
  const entries = outcomes.reduce(
    (sum, outcome) => sum + (outcome.result === 'reindexed' ? outcome.entries : 0),
    0,
  )
  return c.json({
    reindexed: outcomes.length,
    entries,
    indexes: rules.indexes.map((index) => index.name),
    next,
  })
}
