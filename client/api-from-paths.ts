/**
 * ApiFromPaths turns the `paths` interface that openapi-typescript generates from an edge-etag API's
 * /openapi.json into the `Api` type createClient takes: each `/api/<name>/{id}` path becomes the resource
 * `<name>`, typed as what its GET answers with a 200. So a client of an API this repository did not build
 * gets its types from the API's own description, and a schema change reaches the client when the types are
 * generated again.
 *
 * @example
 * // npx openapi-typescript http://localhost:8787/openapi.json -o api.d.ts
 * import type { paths } from './api.js'
 * const tasks = createClient<ApiFromPaths<paths>>({ baseUrl }).resource('tasks') // typed as the API's Task
 */
export type ApiFromPaths<Paths> = {
  [Path in keyof Paths & string as Path extends `/api/${infer Name}/{id}` ? Name : never]: DocumentOf<
    Paths[Path]
  >
}

/** DocumentOf is the JSON body of an operation set's GET 200, or never when it has none. */
type DocumentOf<Operations> = Operations extends {
  get: { responses: { 200: { content: { 'application/json': infer Document } } } }
}
  ? Document
  : never
