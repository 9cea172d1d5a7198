/**
 * edge-etag: a JSON API on Cloudflare Workers whose responses carry strong, content-derived ETags and
 * answer conditional requests per RFC 9110 section 13. This file only assembles the app.
 */

import { Hono } from 'hono'
import { corsForConfiguredOrigins } from './cors.ts'
import { dateHeader } from './date-header.ts'
import type { AppEnv } from './env.ts'
import { renderError, renderNotFound } from './errors.ts'
import { items } from './routes/items.ts'

const app = new Hono<AppEnv>()

app.use(dateHeader)
app.use(corsForConfiguredOrigins)
app.route('/api/items', items)
app.notFound(renderNotFound)
app.onError(renderError)

export default app
export { ItemWriter } from './writes/item-writer.ts'
