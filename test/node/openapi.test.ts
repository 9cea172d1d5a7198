import { Validator } from '@seriousme/openapi-schema-validator'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import app from '../../src/index.ts'
import { jsonResource } from '../../src/json-resource/index.ts'
import { serveOpenApi } from '../../src/openapi/openapi-route.ts'

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

async function validate(document: OpenApi) {
  const validator = new Validator()
  const result = await validator.validate(document)
  return { ...result, version: validator.version }
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document, by a real validator', async () => {
    const result = await validate(await openApiOf(app))
    expect(result.errors ?? []).toEqual([])
    expect(result).toMatchObject({ valid: true, version: '3.1' })
  })

  it('is refused by that validator once broken, so the check above can fail', async () => {
    const document = await openApiOf(app)
    delete document.paths['/api/tasks/{id}'].get.responses['200'].description
    document.paths['/api/tasks'].get.parameters.push({ $ref: '#/components/parameters/nowhere' })
    expect((await validate(document)).valid).toBe(false)
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
  ])('describes $path with $methods', async ({ path, methods }) => {
    const document = await openApiOf(app)
    expect(Object.keys(document.paths[path]).sort()).toEqual([...methods].sort())
  })
})

describe('what a document operation says', () => {
  const parameterNames = (document: OpenApi, operation: OpenApi) =>
    operation.parameters.map((parameter: { $ref: string }) => {
      const name = parameter.$ref.split('/').at(-1) as string
      return document.components.parameters[name].name
    })

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

  it('needs the bearer token for writes only, and names 412, 422 and 428', async () => {
    const document = await openApiOf(app)
    const item = document.paths['/api/tasks/{id}']
    for (const method of ['put', 'patch', 'delete']) expect(item[method].security).toEqual([{ bearer: [] }])
    for (const method of ['get', 'head']) expect(item[method].security).toBeUndefined()
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

  it('states the tasks schema from its declaration, and any object for items', async () => {
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
    expect(components.schemas.ItemsDocument).toMatchObject({ type: 'object' })
    expect(components.schemas.ItemsDocument.properties).toBeUndefined()
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
})
