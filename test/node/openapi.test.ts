import { validate as parseAndValidate } from '@readme/openapi-parser'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { IndexDeclaration } from '../../src/documents/collection-index.ts'
import { parseIdempotencyKey } from '../../src/http/idempotency-key.ts'
import app from '../../src/index.ts'
import { jsonResource } from '../../src/json-resource/index.ts'
import { reindexRoutes } from '../../src/json-resource/reindex.ts'
import { serveOpenApi } from '../../src/openapi/openapi-route.ts'
import { OUTLINES_APP } from './recursive-resource.ts'

// biome-ignore lint/suspicious/noExplicitAny: the document is walked by path in assertions
type OpenApi = Record<string, any>

/** Requestable is a Hono app of any environment, as far as sending it a request goes. */
interface Requestable {
  request(url: string, init: RequestInit, env: object): Response | Promise<Response>
}

async function openApiOf(target: Requestable): Promise<OpenApi> {
  const response = await target.request('https://edge-etag.test/openapi.json', {}, {})
  expect(response.status).toBe(200)
  expect(response.headers.get('ETag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
  return (await response.json()) as OpenApi
}

/**
 * VALIDATORS are two independent checks of a whole OpenAPI 3.1 document, each answering the errors it finds:
 * a JSON Schema validation against the specification's schema, and a parser that also applies the rules a
 * schema cannot state (each path template declared as a required path parameter, unique operationIds).
 */
const VALIDATORS = {
  'openapi-schema-validator': async (document: OpenApi): Promise<unknown[]> => {
    const validator = new Validator()
    const result = await validator.validate(document)
    if (!result.valid) return [result.errors ?? 'invalid, without errors'].flat()
    return validator.version === '3.1' ? [] : [`validated as OpenAPI ${validator.version}`]
  },
  'openapi-parser': async (document: OpenApi): Promise<unknown[]> => {
    // A copy, since the parser dereferences what it is given; no external $ref, so no network either.
    const copy = structuredClone(document) as Parameters<typeof parseAndValidate>[0]
    const result = await parseAndValidate(copy, { resolve: { external: false } })
    if (!result.valid) return result.errors
    return result.specification === 'OpenAPI' ? [] : [`validated as ${result.specification}`]
  },
}

type ValidatorName = keyof typeof VALIDATORS

/** validate runs both validators on `document`: valid when neither finds an error, and what each found. */
async function validate(document: OpenApi) {
  const names = Object.keys(VALIDATORS) as ValidatorName[]
  const found = await Promise.all(names.map((name) => VALIDATORS[name](document)))
  const errors = Object.fromEntries(names.map((name, index) => [name, found[index]]))
  const refusedBy = names.filter((name) => (errors[name]?.length ?? 0) > 0)
  return { valid: refusedBy.length === 0, refusedBy, errors }
}

/** resolved returns a parameter, response or header object, following its $ref into the components. */
function resolved(document: OpenApi, object: OpenApi): OpenApi {
  if (typeof object.$ref !== 'string') return object
  const [, , kind, name] = object.$ref.split('/') as [string, string, string, string]
  return document.components[kind][name]
}

/** parametersOf returns an operation's parameters, resolved, by name. */
function parametersOf(document: OpenApi, operation: OpenApi): Record<string, OpenApi> {
  const parameters = (operation.parameters ?? []).map((parameter: OpenApi) => resolved(document, parameter))
  return Object.fromEntries(parameters.map((parameter: OpenApi) => [parameter.name, parameter]))
}

/** forkedApp mounts resources (name and indexes) at /api/<name>, as a forker would, with its /openapi.json. */
function forkedApp(resources: readonly { name: string; indexes?: readonly IndexDeclaration[] }[]): Hono {
  const forked = new Hono()
  for (const { name, indexes = [] } of resources)
    forked.route(`/api/${name}`, jsonResource({ name, indexes }))
  forked.get('/openapi.json', serveOpenApi(forked, { title: 'forked', version: '1' }))
  return forked
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document, by two independent validators', async () => {
    const result = await validate(await openApiOf(app))
    expect(result.errors).toEqual({ 'openapi-schema-validator': [], 'openapi-parser': [] })
    expect(result.valid).toBe(true)
  })

  const BOTH: ValidatorName[] = ['openapi-schema-validator', 'openapi-parser']

  it.each([
    {
      breakage: 'a response without its description',
      apply: (document: OpenApi) => delete document.paths['/api/tasks/{id}'].get.responses['200'].description,
      refusedBy: BOTH,
    },
    {
      breakage: 'a query parameter without its `in`',
      apply: (document: OpenApi) => delete document.paths['/api/tasks'].get.parameters[0].in,
      refusedBy: BOTH,
    },
    {
      breakage: 'a sort parameter with neither schema nor content',
      apply: (document: OpenApi) => {
        const sort = document.paths['/api/tasks'].get.parameters.find((p: OpenApi) => p.name === 'sort')
        delete sort.schema
      },
      refusedBy: BOTH,
    },
    {
      breakage: 'a path parameter that is not required',
      apply: (document: OpenApi) => {
        document.paths['/admin/reindex/{resource}'].post.parameters[0].required = false
      },
      refusedBy: BOTH,
    },
    {
      // OpenAPI 3.1 section 4.8.2.1: each template expression in a path must be a path parameter of every
      // operation (or of the path item). A JSON Schema cannot relate the two; the parser does.
      breakage: 'a path parameter dropped from an operation',
      apply: (document: OpenApi) => {
        document.paths['/api/tasks/{id}'].delete.parameters.shift()
      },
      refusedBy: ['openapi-parser'],
    },
    {
      breakage: 'the OPTIONS of a templated path without its path parameter',
      apply: (document: OpenApi) => {
        delete document.paths['/api/tasks/{id}'].options.parameters
      },
      refusedBy: ['openapi-parser'],
    },
    {
      breakage: 'an operationId used twice',
      apply: (document: OpenApi) => {
        document.paths['/api/tasks/{id}'].head.operationId = 'tasks.read'
      },
      refusedBy: ['openapi-parser'],
    },
  ])('is refused with $breakage by $refusedBy, so the check above can fail', async ({ apply, refusedBy }) => {
    const document = await openApiOf(app)
    apply(document)
    expect((await validate(document)).refusedBy).toEqual(refusedBy)
  })

  it('names its server relatively, so it is the one that served the document', async () => {
    expect((await openApiOf(app)).servers).toEqual([{ url: '/' }])
  })

  it('answers a matching If-None-Match with 304', async () => {
    const first = await app.request('https://edge-etag.test/openapi.json', {}, {})
    const etag = first.headers.get('ETag') ?? ''
    const again = await app.request(
      'https://edge-etag.test/openapi.json',
      { headers: { 'If-None-Match': etag } },
      {},
    )
    expect(again.status).toBe(304)
  })

  it.each([
    { path: '/api/items', methods: ['get', 'head', 'options', 'post'] },
    { path: '/api/items/{id}', methods: ['get', 'head', 'put', 'patch', 'delete', 'options'] },
    { path: '/api/tasks', methods: ['get', 'head', 'options', 'post'] },
    { path: '/api/tasks/{id}', methods: ['get', 'head', 'put', 'patch', 'delete', 'options'] },
    { path: '/admin/reindex/{resource}', methods: ['post', 'options'] },
  ])('describes $path with $methods', async ({ path, methods }) => {
    const document = await openApiOf(app)
    expect(Object.keys(document.paths[path]).sort()).toEqual([...methods].sort())
  })
})

describe('HEAD', () => {
  // RFC 9110 section 9.3.2: HEAD answers as GET does, with the same status and header fields, and no content.
  it('is described as GET is, each answer with its headers and without content', async () => {
    const document = await openApiOf(app)
    const paths = Object.entries(document.paths as Record<string, OpenApi>)
    const heads = paths.filter(([, item]) => item.head)
    // Every GET has its HEAD, and nothing else has one (a forker's resources included, whatever their names).
    expect(heads.map(([path]) => path)).toEqual(paths.filter(([, item]) => item.get).map(([path]) => path))
    expect(heads.map(([path]) => path)).toEqual(expect.arrayContaining(['/api/items/{id}', '/api/tasks']))
    const withContent: string[] = []
    for (const [path, { get, head }] of heads) {
      expect(Object.keys(head.responses)).toEqual(Object.keys(get.responses))
      for (const [status, response] of Object.entries(head.responses as Record<string, OpenApi>)) {
        const bodiless = resolved(document, response)
        if ('content' in bodiless) withContent.push(`HEAD ${path} ${status}`)
        expect(bodiless.headers).toEqual(resolved(document, get.responses[status]).headers)
      }
      expect(head.parameters).toEqual(get.parameters)
      expect(head.operationId).toBe(`${get.operationId}.head`)
    }
    expect(withContent).toEqual([])
  })

  it('leaves GET its bodies: the document or page, and the problem of an error', async () => {
    const { paths, components } = await openApiOf(app)
    const read = paths['/api/tasks/{id}'].get.responses
    expect(read['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/TasksDocument',
    })
    expect(read['404']).toEqual({ $ref: '#/components/responses/NotFound' })
    expect(components.responses.NotFound.content['application/problem+json']).toBeDefined()
    expect(paths['/api/tasks'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/TasksPage',
    })
  })
})

describe('what a document operation says', () => {
  const parameterNames = (document: OpenApi, operation: OpenApi) =>
    Object.keys(parametersOf(document, operation))

  it('takes the four conditional fields on GET, and answers 304 and 412 with the validators', async () => {
    const document = await openApiOf(app)
    const read = document.paths['/api/tasks/{id}'].get
    expect(parameterNames(document, read)).toEqual(
      expect.arrayContaining(['id', 'If-None-Match', 'If-Match', 'If-Modified-Since', 'If-Unmodified-Since']),
    )
    expect(Object.keys(read.responses['200'].headers)).toEqual(
      expect.arrayContaining(['ETag', 'Last-Modified', 'Accept-Patch', 'Cache-Control', 'Server-Timing']),
    )
    expect(read.responses['304']).toEqual({ $ref: '#/components/responses/NotModified' })
    const failed = document.components.responses.PreconditionFailed
    expect(Object.keys(failed.headers)).toEqual(expect.arrayContaining(['ETag', 'Last-Modified']))
    expect(failed.content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/Problem',
    })
  })

  it('pages with limit and cursor, and a Link to the next page', async () => {
    const document = await openApiOf(app)
    const page = document.paths['/api/tasks'].get
    expect(parameterNames(document, page)).toEqual(
      expect.arrayContaining(['limit', 'cursor', 'If-None-Match']),
    )
    expect(Object.keys(page.responses['200'].headers)).toContain('Link')
    expect(document.components.parameters.limit.schema).toMatchObject({ minimum: 1, maximum: 1000 })
  })

  it('carries its license in info', async () => {
    expect((await openApiOf(app)).info.license).toEqual({ name: 'MIT', identifier: 'MIT' })
  })

  it('needs the bearer token for writes only, and names 412, 422 and 428', async () => {
    const document = await openApiOf(app)
    const item = document.paths['/api/tasks/{id}']
    for (const method of ['put', 'patch', 'delete']) expect(item[method].security).toEqual([{ bearer: [] }])
    // Reads say outright that they need no credentials (an absent `security` would leave it unsaid).
    for (const method of ['get', 'head', 'options']) expect(item[method].security).toEqual([])
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    for (const status of ['412', '422', '428']) expect(item.put.responses[status]).toBeDefined()
    expect(Object.keys(item.put.responses)).toEqual(
      expect.arrayContaining(['200', '201', '401', '413', '415']),
    )
    expect(
      document.components.responses.UnprocessableContent.content['application/problem+json'].schema,
    ).toEqual({
      $ref: '#/components/schemas/ValidationProblem',
    })
  })

  it('takes a merge patch of the schema: every member optional, null removes it', async () => {
    const document = await openApiOf(app)
    const body = document.paths['/api/tasks/{id}'].patch.requestBody.content['application/merge-patch+json']
    expect(body.schema).toEqual({ $ref: '#/components/schemas/TasksMergePatch' })
    const patch = document.components.schemas.TasksMergePatch
    expect(patch.required).toBeUndefined()
    // done is required: removing it is a 422, so null is no valid value; due is optional, so null removes it.
    expect(patch.properties.done).toEqual({ type: 'boolean' })
    expect(patch.properties.due.anyOf).toContainEqual({ type: 'null' })
  })

  it('states the tasks schema from its declaration, and any object with any members for items', async () => {
    const { components } = await openApiOf(app)
    expect(components.schemas.TasksDocument).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['title', 'done']),
      additionalProperties: false,
    })
    expect(components.schemas.TasksDocument.properties.due).toMatchObject({ type: 'string', format: 'date' })
    expect(components.schemas.TasksDocument.properties.tags).toMatchObject({
      maxItems: 10,
      uniqueItems: true,
    })
    expect(components.schemas.TasksDocument.properties.title).toEqual({
      type: 'string',
      minLength: 1,
      maxLength: 200,
    })
    expect(Object.keys(components.schemas.TasksDocument.properties).sort()).toEqual([
      'done',
      'due',
      'tags',
      'title',
    ])
    // Any members, said outright: openapi-typescript reads a bare `{"type":"object"}` as an object with none.
    expect(components.schemas.ItemsDocument).toMatchObject({ type: 'object', additionalProperties: true })
    expect(components.schemas.ItemsDocument.properties).toBeUndefined()
  })
})

describe('what a page says of its queries', () => {
  // Names are unique across the file: a resource's name is declared once per process.
  it.each([
    {
      resource: 'tasks (the demo)',
      app: () => app,
      path: '/api/tasks',
      queries: ['done', 'tags', 'sort'],
      sorts: ['due', '-due'],
    },
    { resource: 'items (the demo)', app: () => app, path: '/api/items', queries: [], sorts: null },
    {
      resource: 'a filter only',
      app: () => forkedApp([{ name: 'sample-orders', indexes: [{ where: 'status' }] }]),
      path: '/api/sample-orders',
      queries: ['status'],
      sorts: null,
    },
    {
      resource: 'two sorts, one of them with a filter',
      app: () =>
        forkedApp([
          {
            name: 'invoices-sorted',
            indexes: [{ sort: 'total' }, { sort: 'due' }, { where: 'paid', sort: 'due' }],
          },
        ]),
      path: '/api/invoices-sorted',
      queries: ['paid', 'sort'],
      sorts: ['total', '-total', 'due', '-due'],
    },
  ])(
    'for $resource: takes $queries, sorts $sorts, in a valid document',
    async ({ app, path, queries, sorts }) => {
      const document = await openApiOf(app())
      for (const method of ['get', 'head']) {
        const parameters = parametersOf(document, document.paths[path][method])
        const conditional = ['limit', 'cursor', 'If-None-Match', 'If-Match']
        expect(Object.keys(parameters).sort()).toEqual([...queries, ...conditional].sort())
        for (const name of queries) {
          expect(parameters[name]).toMatchObject({ in: 'query', required: false, schema: { type: 'string' } })
          expect(parameters[name]?.description).toMatch(/\S/)
        }
        expect(parameters.sort?.schema.enum ?? null).toEqual(sorts)
      }
      expect(await validate(document)).toMatchObject({ valid: true })
    },
  )

  it('says which member a filter compares, and that an `each` filter matches array elements', async () => {
    const { paths, components } = await openApiOf(app)
    const parameters = parametersOf({ components }, paths['/api/tasks'].get)
    expect(parameters.tags?.description).toContain('array `tags` has an element equal to the value')
    expect(parameters.done?.description).toContain('`done` equals the value')
    expect(parameters.done?.description).not.toContain('array')
    // done is served alone and with the sort of the done+due index; tags alone.
    expect(parameters.done?.description).toContain('Served alone, or with sort=due or sort=-due.')
    expect(parameters.tags?.description).toContain('Served alone.')
    expect(parameters.sort?.description).toContain('sort=due (or -due) alone, or with done=<value>')
  })

  it('says, per combination, which index looks into the array and which compares it whole', async () => {
    const forked = forkedApp([
      {
        name: 'labelled',
        indexes: [
          { where: 'labels', each: true },
          { where: 'labels', sort: 'rank' },
        ],
      },
    ])
    const document = await openApiOf(forked)
    const { labels } = parametersOf(document, document.paths['/api/labelled'].get)
    expect(labels?.description).toContain(
      'Only documents whose array `labels` has an element equal to the value (?labels=<value>); ' +
        'or whose `labels` equals the value (?labels=<value>&sort=rank (or -rank)).',
    )
  })

  it('states in the description which combinations are served, and that any other query is a 400', async () => {
    const { paths } = await openApiOf(app)
    const tasks = paths['/api/tasks'].get.description
    for (const served of ['?done=<value>', '?tags=<value> (tags contains the value)', '?sort=-due']) {
      expect(tasks).toContain(served)
    }
    expect(tasks).toContain('?done=<value>&sort=due or ?done=<value>&sort=-due')
    expect(tasks).toContain('Any other query parameter, one given twice, or a combination no index serves')
    expect(paths['/api/items'].get.description).toContain('limit and cursor only')
    expect(paths['/api/items'].get.description).toContain('any other query parameter is a 400')
  })
})

describe('POST with an Idempotency-Key', () => {
  it('takes the header, answers a replay 201 with Idempotent-Replayed, and names 409 and 422', async () => {
    const document = await openApiOf(app)
    const create = document.paths['/api/tasks'].post
    const key = parametersOf(document, create)['Idempotency-Key']
    expect(key).toMatchObject({ in: 'header', schema: { type: 'string' } })
    expect(key?.required).not.toBe(true)
    expect(key?.description).toMatch(/409/)
    const replayed = resolved(document, create.responses['201'].headers['Idempotent-Replayed'])
    expect(replayed.schema).toEqual({ type: 'string', enum: ['true'] })
    expect(resolved(document, create.responses['409']).description).toContain('still being answered')
    const unprocessable = resolved(document, create.responses['422'])
    expect(unprocessable.description).toContain('Idempotency-Key was sent before with another body')
    expect(unprocessable.content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/ValidationProblem',
    })
    // A PUT names its id itself: it takes no key.
    expect(parametersOf(document, document.paths['/api/tasks/{id}'].put)['Idempotency-Key']).toBeUndefined()
  })

  it.each([
    { value: 'order-17', want: true },
    { value: '"order-17"', want: true },
    { value: '"with space"', want: true },
    { value: '"a\\"b"', want: true },
    { value: '"\\\\"', want: true },
    { value: 'a"b', want: false },
    { value: 'a,b', want: false },
    { value: 'x;y', want: false },
    { value: 'a\\b', want: false },
    { value: 'k'.repeat(255), want: true },
    { value: `"${'k'.repeat(255)}"`, want: true },
    { value: `"${'k'.repeat(254)}\\""`, want: true },
    { value: 'k'.repeat(256), want: false },
    { value: `"${'k'.repeat(256)}"`, want: false },
    { value: '', want: false },
    { value: '""', want: false },
    { value: 'with space', want: false },
    { value: '"unterminated', want: false },
    { value: '"a\\nb"', want: false },
    { value: '"a"b', want: false },
    { value: '"tab\there"', want: false },
    { value: 'clé', want: false },
    { value: '"clé"', want: false },
  ])('states the key grammar the parser applies: $value is a key: $want', async ({ value, want }) => {
    const { components } = await openApiOf(app)
    const pattern = new RegExp(components.parameters['Idempotency-Key'].schema.pattern, 'u')
    expect(pattern.test(value)).toBe(want)
    expect(parseIdempotencyKey(value).kind === 'key').toBe(want)
  })
})

describe('POST /admin/reindex/{resource}', () => {
  it('needs the bearer token, names the declared resources, and answers {reindexed, entries, indexes, next}', async () => {
    const document = await openApiOf(app)
    const reindex = document.paths['/admin/reindex/{resource}'].post
    expect(reindex.security).toEqual([{ bearer: [] }])
    const parameters = parametersOf(document, reindex)
    expect(parameters.resource).toMatchObject({ in: 'path', required: true })
    expect(parameters.resource?.schema.enum).toEqual(expect.arrayContaining(['items', 'tasks']))
    expect(Object.keys(parameters).sort()).toEqual(['cursor', 'limit', 'resource'])
    expect(Object.keys(reindex.responses).sort()).toEqual(['200', '400', '401', '404', '503'])
    expect(resolved(document, reindex.responses['404']).description).toContain('No resource is declared')
    const body = reindex.responses['200'].content['application/json'].schema
    expect(body).toEqual({ $ref: '#/components/schemas/ReindexPage' })
    const page = document.components.schemas.ReindexPage
    expect(page.required.sort()).toEqual(['entries', 'indexes', 'next', 'reindexed'])
    expect(page.properties.next.type).toEqual(['string', 'null'])
    expect(page.properties.indexes).toMatchObject({ type: 'array', items: { type: 'string' } })
  })

  it('is described where it is mounted, and only when it is', async () => {
    const forked = new Hono()
    forked.route('/billing/receipts', jsonResource({ name: 'receipts', indexes: [{ where: 'paid' }] }))
    forked.route('/ops', reindexRoutes)
    forked.get('/openapi.json', serveOpenApi(forked, { title: 'billing', version: '1' }))
    const document = await openApiOf(forked)
    expect(Object.keys(document.paths)).toEqual([
      '/billing/receipts',
      '/billing/receipts/{id}',
      '/ops/reindex/{resource}',
    ])
    const reindex = document.paths['/ops/reindex/{resource}'].post
    expect(parametersOf(document, reindex).resource?.schema.enum).toEqual(['receipts'])
    expect((await validate(document)).valid).toBe(true)
  })
})

describe("a forker's resource", () => {
  it('is described at the path it is mounted at, with no extra work', async () => {
    const invoices = jsonResource({
      name: 'invoices',
      schema: z.object({ customer: z.string(), cents: z.number().int() }),
    })
    const forked = new Hono()
    forked.route('/billing/invoices', invoices)
    forked.get('/openapi.json', serveOpenApi(forked, { title: 'billing', version: '1' }))
    const document = await openApiOf(forked)
    expect(Object.keys(document.paths)).toEqual(['/billing/invoices', '/billing/invoices/{id}'])
    expect(document.components.schemas.InvoicesDocument.properties.cents).toMatchObject({ type: 'integer' })
    expect((await validate(document)).valid).toBe(true)
  })

  it('with a recursive schema and a named part, has them as components of their own', async () => {
    const document = await openApiOf(OUTLINES_APP)
    const { schemas } = document.components
    expect(schemas.OutlinesDocument.properties).toEqual({
      title: { $ref: '#/components/schemas/OutlinesDocument.Title' },
      sections: { type: 'array', items: { $ref: '#/components/schemas/OutlinesDocument' } },
    })
    expect(schemas['OutlinesDocument.Title']).toEqual({ type: 'string' })
    expect(schemas.OutlinesDocument.$defs).toBeUndefined()
    // A patch's members are whole values, as a PUT's are: it refers to the input's parts.
    expect(schemas.OutlinesMergePatch.properties.sections.items).toEqual({
      $ref: '#/components/schemas/OutlinesInput',
    })
    expect(await validate(document)).toMatchObject({ valid: true })
  })
})
