import { Hono } from 'hono'
import { describe, expect, it, vi } from 'vitest'
import { answerUnrouted } from '../../src/allowed-methods.ts'
import { conditionalJson } from '../../src/conditional-response.ts'
import type { AppEnv } from '../../src/env.ts'
import { renderError } from '../../src/errors.ts'
import { etagOf, sha256Tag } from './api.ts'

// The route of the README's "Add a route", mounted on an app of its own.
const status = new Hono<AppEnv>()
status.get('/', (c) => conditionalJson(c, { service: 'edge-etag', healthy: true }))
status.get('/dated', (c) => conditionalJson(c, { v: 1 }, { lastModified: 'Sun, 06 Nov 1994 08:49:37 GMT' }))
status.get('/broken', (c) => conditionalJson(c, { v: undefined }))
const app = new Hono<AppEnv>().route('/api/status', status).onError(renderError)
app.notFound(answerUnrouted(app))

function fetchStatus(path = '', init: RequestInit = {}): Promise<Response> {
  return Promise.resolve(app.request(`/api/status${path}`, init))
}

describe('conditionalJson', () => {
  it('serialises canonically and tags the bytes with their SHA-256', async () => {
    const response = await fetchStatus()
    const bytes = await response.arrayBuffer()
    expect(response.status).toBe(200)
    expect(new TextDecoder().decode(bytes)).toBe('{"healthy":true,"service":"edge-etag"}')
    expect(etagOf(response)).toBe(await sha256Tag(bytes))
    expect(response.headers.get('Content-Length')).toBe(String(bytes.byteLength))
    expect(response.headers.get('Cache-Control')).toBe('no-cache, max-age=0')
  })

  it('answers 304 to a matching If-None-Match, and 412 to a failing If-Match', async () => {
    const etag = etagOf(await fetchStatus())
    expect((await fetchStatus('', { headers: { 'If-None-Match': etag } })).status).toBe(304)
    expect((await fetchStatus('', { headers: { 'If-Match': '"stale"' } })).status).toBe(412)
  })

  it('sends a given Last-Modified and honours If-Modified-Since with it', async () => {
    const response = await fetchStatus('/dated')
    expect(response.headers.get('Last-Modified')).toBe('Sun, 06 Nov 1994 08:49:37 GMT')
    const since = { 'If-Modified-Since': 'Sun, 06 Nov 1994 08:49:37 GMT' }
    expect((await fetchStatus('/dated', { headers: since })).status).toBe(304)
  })

  it('answers HEAD with the headers of GET and no body', async () => {
    const full = await fetchStatus()
    const head = await fetchStatus('', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect(head.headers.get('ETag')).toBe(full.headers.get('ETag'))
  })

  it('answers other methods with 405 and Allow, and OPTIONS with 204 and Allow, as every route does', async () => {
    const post = await fetchStatus('', { method: 'POST', body: '{}' })
    expect(post.status).toBe(405)
    expect(post.headers.get('Allow')).toBe('GET, HEAD, OPTIONS')
    const options = await fetchStatus('', { method: 'OPTIONS' })
    expect(options.status).toBe(204)
    expect(options.headers.get('Allow')).toBe('GET, HEAD, OPTIONS')
  })

  it('turns a value that is not JSON into a 500 that reveals nothing of it, and logs it', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const response = await fetchStatus('/broken')
    expect(response.status).toBe(500)
    expect(response.headers.get('Content-Type')).toBe('application/problem+json')
    expect(await response.text()).not.toContain('undefined')
    expect(errors).toHaveBeenCalledOnce()
    errors.mockRestore()
  })
})
