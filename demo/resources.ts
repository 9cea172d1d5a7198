/**
 * The resources the page lists and edits, as the API describes them in /openapi.json: each `/api/<name>/{id}`
 * path is one, with the JSON Schema of its documents. So a resource a forker adds shows up here with no change
 * to the page. The page sees every document as a plain JSON object: what a document may hold is the server's
 * to check (a 422 names each problem).
 */

import type { Client, JsonObject, ResourceClient } from 'edge-etag-client'

/** ResourceName names a resource the page lists and edits: its path under /api/. */
export type ResourceName = string

/** DocumentValue is a document as the page handles it: a JSON object. */
export type DocumentValue = JsonObject

/** DemoApi is the API as the page sees it: every document a JSON object. */
export type DemoApi = Record<ResourceName, JsonObject>

/** JsonSchema is the part of a document's JSON Schema the page reads. */
export interface JsonSchema {
  readonly $ref?: string
  readonly type?: string | readonly string[]
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly required?: readonly string[]
}

/** Resource is one resource of the API: its name and the schema of its documents. */
export interface Resource {
  readonly name: ResourceName
  readonly schema: JsonSchema
}

interface OpenApiDocument {
  readonly paths?: Readonly<
    Record<string, { readonly get?: { readonly responses?: Record<string, Response200> } }>
  >
  readonly components?: { readonly schemas?: Readonly<Record<string, JsonSchema>> }
}

interface Response200 {
  readonly content?: Readonly<Record<string, { readonly schema?: JsonSchema }>>
}

const DOCUMENT_PATH = /^\/api\/([^/]+)\/\{id\}$/

/**
 * describedResources reads /openapi.json and returns its resources in the order it lists them.
 *
 * @example const resources = await describedResources() // [{ name: 'items', ... }, { name: 'tasks', ... }]
 */
export async function describedResources(): Promise<Resource[]> {
  const response = await fetch('/openapi.json', { headers: { Accept: 'application/json' } })
  if (!response.ok) throw new Error(`GET /openapi.json answered ${response.status}`)
  return resourcesOf((await response.json()) as OpenApiDocument)
}

/**
 * resourcesOf finds the resources of an OpenAPI document: the names of its `/api/<name>/{id}` paths, with the
 * schema of what their GET answers (a `$ref` to the document's components followed).
 *
 * @example resourcesOf({ paths: { '/api/tasks/{id}': { get: ... } } }) // [{ name: 'tasks', schema }]
 */
export function resourcesOf(description: OpenApiDocument): Resource[] {
  return Object.entries(description.paths ?? {}).flatMap(([path, operations]) => {
    const name = DOCUMENT_PATH.exec(path)?.[1]
    if (name === undefined) return []
    const schema = operations.get?.responses?.['200']?.content?.['application/json']?.schema ?? {}
    const target = schema.$ref?.replace('#/components/schemas/', '')
    return [
      { name, schema: target === undefined ? schema : (description.components?.schemas?.[target] ?? {}) },
    ]
  })
}

/**
 * hasSchema says whether a resource's documents have declared members (else any JSON object is one).
 *
 * @example hasSchema(tasks) // true
 */
export function hasSchema(resource: Resource): boolean {
  return Object.keys(resource.schema.properties ?? {}).length > 0
}

/**
 * newDocument returns what a freshly created document holds: each required member of the schema with a
 * starting value (the title for text, false, 0, empty), or, without required members, a name.
 *
 * @example newDocument(tasks, 'Walk the dog') // { title: 'Walk the dog', done: false }
 */
export function newDocument(resource: Resource, title: string): DocumentValue {
  const required = resource.schema.required ?? []
  if (required.length === 0) return { name: title }
  const properties = resource.schema.properties ?? {}
  return Object.fromEntries(required.map((member) => [member, startingValue(properties[member], title)]))
}

function startingValue(schema: JsonSchema | undefined, title: string): DocumentValue[string] {
  const types = [schema?.type ?? []].flat()
  const type = types.find((candidate) => candidate !== 'null')
  if (type === 'string') return title
  if (type === 'boolean') return false
  if (type === 'number' || type === 'integer') return 0
  if (type === 'array') return []
  if (type === 'object') return {}
  return null
}

/**
 * resourceOf returns the client of one resource, typed as JSON objects.
 *
 * @example const { value } = await resourceOf(client, 'tasks').get('buy-milk')
 */
export function resourceOf(client: Client<DemoApi>, name: ResourceName): ResourceClient<DocumentValue> {
  return client.resource(name)
}
