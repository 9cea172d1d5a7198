/**
 * The OpenAPI 3.1 document of the app, generated from its route table and its resources' declarations:
 * every described route appears at the path it is mounted at, with the conditional request fields, the
 * validators, the 304/412/422/428 answers, the schemas of its documents and the queries its indexes serve.
 * Nothing here is written per resource, so a forker's new resource is described as soon as it is mounted; the
 * admin routes (reindex) are described where they are mounted, if they are.
 */

import { rulesOf } from '../documents/resource-rules.ts'
import { COMPONENTS, headerRef, OBSERVED_HEADERS, parameterRef, responseRef } from './components.ts'
import { headOperationOf, type Operation } from './head-operation.ts'
import { documentSchemaOf, hoisted, type JsonSchema, mergePatchSchemaOf } from './json-schemas.ts'
import { pageQueryDescription, queryParametersOf } from './query-parameters.ts'
import { REINDEX_SCHEMAS, reindexOperation } from './reindex-operation.ts'
import { descriptionOf, type ResourceOperation, type RouteDescription } from './route-descriptions.ts'

/** ApiInfo is the `info` of the document. */
export interface ApiInfo {
  readonly title: string
  readonly version: string
  readonly description?: string
  /** The API's license: an SPDX `identifier` (or a `url`), e.g. `{ name: 'MIT', identifier: 'MIT' }`. */
  readonly license?: { readonly name: string; readonly identifier?: string; readonly url?: string }
}

/** DescribedApp is what this needs of a Hono app: its routes, with their handlers. */
export interface DescribedApp {
  readonly routes: readonly { readonly method: string; readonly path: string; readonly handler: unknown }[]
}

const METHOD_OF = {
  page: 'get',
  read: 'get',
  create: 'post',
  replace: 'put',
  patch: 'patch',
  delete: 'delete',
} as const satisfies Record<ResourceOperation, string>

const WRITES: ReadonlySet<ResourceOperation> = new Set(['create', 'replace', 'patch', 'delete'])

// What a write of one document takes: its id and the preconditions it may be conditional on.
const WRITE_PARAMETERS = [
  parameterRef('id'),
  parameterRef('If-Match'),
  parameterRef('If-None-Match'),
  parameterRef('If-Unmodified-Since'),
]

/**
 * openApiDocument returns the OpenAPI 3.1 document of `app`'s described routes.
 *
 * @example openApiDocument(app, { title: 'edge-etag', version: '1.0.0' }).paths['/api/tasks/{id}'].get
 */
export function openApiDocument(app: DescribedApp, info: ApiInfo) {
  const paths: Record<string, Record<string, Operation>> = {}
  const schemas: Record<string, JsonSchema> = { ...COMPONENTS.schemas }
  const described = app.routes.flatMap((route) => {
    const description = descriptionOf(route.handler)
    return description === null ? [] : [{ path: openApiPath(route.path), description }]
  })
  // The resources described: the names an admin route's {resource} may take.
  const resources = [...new Set(described.flatMap(({ description }) => resourceOf(description)))]
  for (const { path, description } of described) {
    paths[path] ??= {}
    const item = paths[path]
    if (description.operation === 'reindex') {
      Object.assign(schemas, REINDEX_SCHEMAS)
      const reindex = reindexOperation(resources)
      item.post = reindex
      const inPath = reindex.parameters.filter((parameter) => 'in' in parameter && parameter.in === 'path')
      item.options ??= optionsOperation('admin.reindex.options', 'admin', inPath)
      continue
    }
    const { resource, operation } = description
    const names = schemaNames(resource)
    if (!(names.document in schemas)) Object.assign(schemas, resourceSchemas(resource))
    const method = METHOD_OF[operation]
    const operationObject = describeOperation(resource, operation)
    item[method] = operationObject
    // Hono answers HEAD on every GET route.
    if (method === 'get') item.head = headOperationOf(operationObject)
    item.options ??=
      operation === 'page'
        ? optionsOperation(`${resource}.page.options`, resource, [])
        : optionsOperation(`${resource}.document.options`, resource, [parameterRef('id')], { checksId: true })
  }
  return {
    openapi: '3.1.1',
    info,
    // Relative: the API is where this document is served from, whatever the host (and so "try it" in a
    // reference page calls the server that served it).
    servers: [{ url: '/' }],
    paths,
    components: { ...COMPONENTS, schemas },
  }
}

function resourceOf(description: RouteDescription): string[] {
  return 'resource' in description ? [description.resource] : []
}

// Every served path answers OPTIONS with its Allow (src/allowed-methods.ts); a templated path's OPTIONS takes
// the same path parameters as its other operations (OpenAPI requires every template to be declared).
// A document's OPTIONS checks its id as its other operations do: a bad one is a 400.
function optionsOperation(
  operationId: string,
  tag: string,
  pathParameters: readonly unknown[],
  { checksId = false } = {},
): Operation {
  return {
    operationId,
    tags: [tag],
    ...(pathParameters.length === 0 ? {} : { parameters: [...pathParameters] }),
    summary: 'The methods this path serves',
    security: [],
    responses: {
      '204': responseRef('NoContent'),
      ...(checksId ? { '400': responseRef('BadRequest') } : {}),
    },
  }
}

/**
 * openApiPath turns a Hono path into an OpenAPI path template: `/api/tasks/:id` becomes `/api/tasks/{id}`.
 *
 * @example openApiPath('/api/tasks/:id') // '/api/tasks/{id}'
 */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}')
}

function schemaNames(resource: string) {
  const base = resource
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')
  return {
    document: `${base}Document`,
    input: `${base}Input`,
    mergePatch: `${base}MergePatch`,
    page: `${base}Page`,
  }
}

function resourceSchemas(resource: string): Record<string, JsonSchema> {
  const schema = rulesOf(resource)?.schema
  const names = schemaNames(resource)
  const document = hoisted(documentSchemaOf(schema, 'output'), names.document)
  const input = hoisted(documentSchemaOf(schema, 'input'), names.input)
  return {
    ...document.definitions,
    ...input.definitions,
    [names.document]: { ...document.root, description: `A document of ${resource}, as stored and served.` },
    [names.input]: { ...input.root, description: `A document of ${resource}, as a PUT sends it.` },
    [names.mergePatch]: {
      // Its references are the input's: a member a patch sets is whole, as in a PUT.
      ...mergePatchSchemaOf(input.root),
      description: `A JSON Merge Patch (RFC 7396) of a ${resource} document: null removes a member.`,
    },
    [names.page]: {
      type: 'object',
      description: `A page of ${resource}, in id order or in the order its query asks.`,
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              value: { $ref: `#/components/schemas/${names.document}` },
            },
            required: ['id', 'value'],
          },
        },
        next: { type: 'string', description: 'The URL of the next page; absent on the last.' },
      },
      required: ['items'],
    },
  }
}

const json = (schemaName: string) => ({
  'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } },
})

function describeOperation(resource: string, operation: ResourceOperation) {
  const names = schemaNames(resource)
  const common = {
    operationId: `${resource}.${operation}`,
    tags: [resource],
    // Said outright either way: reads are public (no credentials), writes take the bearer token.
    security: WRITES.has(operation) ? [{ bearer: [] }] : [],
  }
  switch (operation) {
    case 'page': {
      const indexes = rulesOf(resource)?.indexes ?? []
      return {
        ...common,
        summary: `A page of ${resource}`,
        description: `A 304 needs one KV list and reads no document; \`next\` and Link lead to the next page. ${pageQueryDescription(indexes)}`,
        parameters: [
          ...queryParametersOf(indexes),
          parameterRef('limit'),
          parameterRef('cursor'),
          parameterRef('If-None-Match'),
          parameterRef('If-Match'),
        ],
        responses: {
          '200': {
            description: 'The page.',
            headers: {
              ETag: headerRef('ETag'),
              'Cache-Control': headerRef('Cache-Control'),
              Link: headerRef('Link'),
              ...OBSERVED_HEADERS,
            },
            content: json(names.page),
          },
          '304': responseRef('NotModified'),
          '400': responseRef('BadRequest'),
          '412': responseRef('PreconditionFailed'),
          '503': responseRef('ServiceUnavailable'),
        },
      }
    }
    case 'read':
      return {
        ...common,
        summary: `A document of ${resource}`,
        description: "Validator-first: a 304 never reads the document's bytes.",
        parameters: [
          parameterRef('id'),
          parameterRef('If-None-Match'),
          parameterRef('If-Modified-Since'),
          parameterRef('If-Match'),
          parameterRef('If-Unmodified-Since'),
        ],
        responses: {
          '200': {
            description: 'The document.',
            headers: {
              ETag: headerRef('ETag'),
              'Last-Modified': headerRef('Last-Modified'),
              'Cache-Control': headerRef('Cache-Control'),
              'Accept-Patch': headerRef('Accept-Patch'),
              ...OBSERVED_HEADERS,
            },
            content: json(names.document),
          },
          '304': responseRef('NotModified'),
          '400': responseRef('BadRequest'),
          '404': responseRef('NotFound'),
          '412': responseRef('PreconditionFailed'),
          '503': responseRef('ServiceUnavailable'),
        },
      }
    case 'create':
      return {
        ...common,
        summary: `Create a document of ${resource}, its id picked by the server`,
        description:
          'The id is a UUIDv7, so a page in id order lists documents oldest first. With an Idempotency-Key, a retry answers what the first request answered and creates nothing more.',
        parameters: [parameterRef('Idempotency-Key')],
        requestBody: { required: true, content: json(names.input) },
        responses: {
          '201': written(
            'Created: the stored document, at Location; or, replayed, what an earlier request with the same Idempotency-Key and body was answered.',
            names.document,
            {
              Location: headerRef('Location'),
              'Idempotent-Replayed': headerRef('Idempotent-Replayed'),
            },
          ),
          '400': responseRef('BadRequest'),
          '401': responseRef('Unauthorized'),
          '409': responseRef('IdempotencyKeyInFlight'),
          '413': responseRef('ContentTooLarge'),
          '415': responseRef('UnsupportedMediaType'),
          '422': responseRef('UnprocessableCreate'),
          '503': responseRef('ServiceUnavailable'),
        },
      }
    case 'replace':
      return {
        ...common,
        summary: `Create or replace a document of ${resource}`,
        description: 'If-Match makes it a safe update, `If-None-Match: *` a create-only PUT.',
        parameters: WRITE_PARAMETERS,
        requestBody: { required: true, content: json(names.input) },
        responses: {
          '200': written('Replaced: the stored document, which a GET now serves.', names.document),
          '201': written('Created.', names.document, { Location: headerRef('Location') }),
          ...writeRefusals(),
          '422': responseRef('UnprocessableContent'),
        },
      }
    case 'patch':
      return {
        ...common,
        summary: `Change a document of ${resource} with a JSON Merge Patch`,
        description: 'Merged, checked against the schema and committed atomically.',
        parameters: WRITE_PARAMETERS,
        requestBody: {
          required: true,
          content: {
            'application/merge-patch+json': { schema: { $ref: `#/components/schemas/${names.mergePatch}` } },
          },
        },
        responses: {
          '200': written('Changed: the stored document, which a GET now serves.', names.document),
          ...writeRefusals(),
          '404': responseRef('NotFound'),
          '422': responseRef('UnprocessableContent'),
        },
      }
    case 'delete':
      return {
        ...common,
        summary: `Delete a document of ${resource}`,
        parameters: WRITE_PARAMETERS,
        responses: {
          '204': { description: 'Deleted.', headers: OBSERVED_HEADERS },
          '400': responseRef('BadRequest'),
          '401': responseRef('Unauthorized'),
          '404': responseRef('NotFound'),
          '412': responseRef('PreconditionFailed'),
          '428': responseRef('PreconditionRequired'),
          '503': responseRef('ServiceUnavailable'),
        },
      }
  }
}

function written(description: string, schemaName: string, headers: Record<string, unknown> = {}) {
  return {
    description,
    headers: {
      ETag: headerRef('ETag'),
      'Last-Modified': headerRef('Last-Modified'),
      'Content-Location': headerRef('Content-Location'),
      ...headers,
      ...OBSERVED_HEADERS,
    },
    content: json(schemaName),
  }
}

function writeRefusals() {
  return {
    '400': responseRef('BadRequest'),
    '401': responseRef('Unauthorized'),
    '412': responseRef('PreconditionFailed'),
    '413': responseRef('ContentTooLarge'),
    '415': responseRef('UnsupportedMediaType'),
    '428': responseRef('PreconditionRequired'),
    '503': responseRef('ServiceUnavailable'),
  }
}
