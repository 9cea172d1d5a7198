/**
 * edge-etag: a JSON API on Cloudflare Workers whose responses carry strong, content-derived ETags and
 * answer conditional requests per RFC 9110 section 13. This file only assembles the app.
 */

import { Hono } from 'hono'
import { answerUnrouted } from './allowed-methods.ts'
import { corsForConfiguredOrigins } from './cors.ts'
import { dateHeader } from './date-header.ts'
import type { AppEnv } from './env.ts'
import { renderError } from './errors.ts'
import { requireValidHost } from './host-check.ts'
import { reindexRoutes } from './json-resource/reindex.ts'
import { traceRequests } from './observability/trace-requests.ts'
import { serveOpenApi } from './openapi/openapi-route.ts'
import { forwardToOrigin } from './origin/origin-mode.ts'
import { items } from './resources/items.ts'
import { tasks } from './resources/tasks.ts'
import { staticFilesOf } from './static-assets.ts'

const app = new Hono<AppEnv>()

app.use(traceRequests)
app.use(dateHeader)
app.use(requireValidHost)
app.use(corsForConfiguredOrigins)
// Origin mode (off unless ORIGIN_URL is set): an existing API served under ORIGIN_PREFIX with our ETags.
app.use(forwardToOrigin)
app.route('/api/items', items)
app.route('/api/tasks', tasks)
// Backfills a resource's indexes: POST /admin/reindex/<resource> (see src/json-resource/reindex.ts).
app.route('/admin', reindexRoutes)
app.get(
  '/openapi.json',
  serveOpenApi(app, { title: 'edge-etag', version: '0.1.0', license: { name: 'MIT', identifier: 'MIT' } }),
)
// Any other path may be a file of the demo page (public/, built from demo/).
app.notFound(answerUnrouted(app, (c) => staticFilesOf(c.env.ASSETS)))
app.onError(renderError)

export default app
export { DocumentWriter } from './store/document-writer.ts'
export { IdempotencyKeys } from './store/idempotency-keys.ts'
