import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { Hono } from 'hono'
import { beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { answerUnrouted } from '../../src/allowed-methods.ts'
import type { AppEnv, Env } from '../../src/env.ts'
import { renderError } from '../../src/errors.ts'
import { jsonResource } from '../../src/json-resource/index.ts'
import { AUTH, clearStore, etagOf, JSON_TYPE, MERGE_PATCH_TYPE, ORIGIN } from './api.ts'

beforeEach(clearStore)

// The README's "Add a resource", as a forker writes it: a schema, one declaration, one mount line.
const orderSchema = z.strictObject({ item: z.string().min(1), quantity: z.number().int().positive() })
const orders = jsonResource({ name: 'sample-orders', schema: orderSchema })

const app = new Hono<AppEnv>().route('/api/sample-orders', orders).onError(renderError)
app.notFound(answerUnrouted(app))

async function send(path: string, init: RequestInit = {}): Promise<Response> {
  const context = createExecutionContext()
  const response = await app.fetch(new Request(`${ORIGIN}${path}`, init), env as Env, context)
  await waitOnExecutionContext(context)
  return response
}

describe('a resource declared in a few lines', () => {
  it('gets conditional reads and writes, PATCH checked by its schema, pages, 405 and OPTIONS', async () => {
    // Create, with the schema's check.
    const created = await send('/api/sample-orders/o1', {
      method: 'PUT',
      headers: { ...AUTH, ...JSON_TYPE },
      body: JSON.stringify({ quantity: 2, item: 'pear' }),
    })
    expect(created.status).toBe(201)
    expect(await created.text()).toBe('{"item":"pear","quantity":2}')

    // Read, then revalidate to a 304.
    const read = await send('/api/sample-orders/o1')
    expect(read.status).toBe(200)
    expect((await send('/api/sample-orders/o1', { headers: { 'If-None-Match': etagOf(read) } })).status).toBe(
      304,
    )

    // PATCH with the current tag; the result must pass the schema too.
    const patchInit = (body: unknown, headers: Record<string, string> = {}) => ({
      method: 'PATCH',
      headers: { ...AUTH, ...MERGE_PATCH_TYPE, ...headers },
      body: JSON.stringify(body),
    })
    const refused = await send(
      '/api/sample-orders/o1',
      patchInit({ quantity: 0 }, { 'If-Match': etagOf(read) }),
    )
    expect(refused.status).toBe(422)
    expect(((await refused.json()) as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe('/quantity')
    const patched = await send(
      '/api/sample-orders/o1',
      patchInit({ quantity: 3 }, { 'If-Match': etagOf(read) }),
    )
    expect(patched.status).toBe(200)
    expect(await patched.text()).toBe('{"item":"pear","quantity":3}')

    // Its collection, and the methods it does not serve.
    const page = await send('/api/sample-orders')
    expect(await page.json()).toEqual({ items: [{ id: 'o1', value: { item: 'pear', quantity: 3 } }] })
    const put = await send('/api/sample-orders', { method: 'PUT', headers: AUTH, body: '{}' })
    expect(put.status).toBe(405)
    expect(put.headers.get('Allow')).toBe('GET, HEAD, POST, OPTIONS')
  })

  it('keeps its documents apart from the demo resources', async () => {
    await send('/api/sample-orders/apple', {
      method: 'PUT',
      headers: { ...AUTH, ...JSON_TYPE },
      body: JSON.stringify({ item: 'apple', quantity: 1 }),
    })
    const { keys } = await (env as Env).DOCUMENTS.list()
    expect(keys.map((key) => key.name)).toEqual(['sample-orders:apple'])
  })

  it('refuses a second resource with a taken or invalid name, at declaration', () => {
    expect(() => jsonResource({ name: 'sample-orders' })).toThrow(/declared twice/)
    expect(() => jsonResource({ name: 'Orders:v2' })).toThrow(/invalid/)
  })
})
