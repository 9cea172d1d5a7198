/**
 * The TypeScript a client's author generates from an edge-etag API's /openapi.json, with openapi-typescript
 * (`npx openapi-typescript https://<host>/openapi.json -o api.d.ts`). It lives in this folder because
 * openapi-typescript needs TypeScript 5's JS API, installed beside it here (see package.json).
 */

import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript'

/**
 * generatedTypesOf returns what openapi-typescript generates from `document`: the source of a module that
 * exports `paths`, `components` and `operations`.
 *
 * @example await generatedTypesOf(document) // 'export interface paths {\n    "/api/items": {...'
 */
export async function generatedTypesOf(document: object): Promise<string> {
  // A copy: openapi-typescript may resolve the document's $refs in place.
  return astToString(await openapiTS(structuredClone(document) as OpenAPI3))
}
