/**
 * GET /openapi.json: the app's OpenAPI document, served as any JSON here is, with a strong ETag and 304s.
 */

import type { Context, Handler } from 'hono'
import { conditionalJson } from '../conditional-response.ts'
import { type ApiInfo, type DescribedApp, openApiDocument } from './openapi-document.ts'

/**
 * serveOpenApi returns the handler of the app's OpenAPI document. The document is built on the first
 * request, once every route is mounted, and kept: routes do not change while the worker runs.
 *
 * @example app.get('/openapi.json', serveOpenApi(app, { title: 'edge-etag', version: '1.0.0' }))
 */
export function serveOpenApi(app: DescribedApp, info: ApiInfo): Handler {
  let document: ReturnType<typeof openApiDocument> | undefined
  return (c: Context) => {
    document ??= openApiDocument(app, info)
    return conditionalJson(c, document)
  }
}
