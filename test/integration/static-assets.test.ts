import { describe, expect, it } from 'vitest'
import { expectProblem, fetchWith, ORIGIN } from './api.ts'

// A stand-in for the ASSETS binding: one file at /, answering as Workers Static Assets does (GET and HEAD,
// 304 to its own tag, 404 elsewhere). The real binding is exercised over HTTP by e2e/demo-page.ts.
const PAGE = '<!doctype html><title>edge-etag</title>'
const asked: Request[] = []
const assets = {
  async fetch(input: RequestInfo | URL, init?: RequestInit) {
    const request = new Request(input, init)
    asked.push(request)
    const url = new URL(request.url)
    // As Workers Static Assets may: a redirect to the canonical path, absolute, on the URL it was asked.
    if (url.pathname === '/index.html') {
      return new Response(null, { status: 307, headers: { Location: new URL('/?from=index', url).href } })
    }
    if (url.pathname === '/docs/') return new Response('<!doctype html><title>reference</title>')
    if (url.pathname !== '/') return new Response('Not Found', { status: 404 })
    const headers = { ETag: '"page"', 'Content-Type': 'text/html' }
    if (request.headers.get('If-None-Match') === '"page"') return new Response(null, { status: 304, headers })
    return new Response(request.method === 'HEAD' ? null : PAGE, { headers })
  },
} as unknown as Fetcher

const withAssets = (path: string, init: RequestInit = {}) =>
  fetchWith({ ASSETS: assets }, `${ORIGIN}${path}`, init)

describe('the demo page through the worker', () => {
  it('serves a file to GET, with the fields every answer gets', async () => {
    const response = await withAssets('/')
    expect(response.status).toBe(200)
    expect(await response.text()).toBe(PAGE)
    expect(response.headers.get('Content-Type')).toBe('text/html')
    expect(response.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(response.headers.get('Server-Timing')).toContain('total;dur=')
    expect(response.headers.get('Date')).not.toBeNull()
  })

  it('serves the page with a policy that runs only its own files, and frames it nowhere', async () => {
    const response = await withAssets('/')
    const policy = response.headers.get('Content-Security-Policy') ?? ''
    expect(policy).toContain("script-src 'self'")
    expect(policy).not.toContain('unsafe-inline')
    expect(policy).toContain("frame-ancestors 'none'")
    expect(policy).toContain("default-src 'none'")
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(response.headers.get('Referrer-Policy')).toBe('no-referrer')
  })

  it('lets only the reference page at /docs/ have inline styles and data: images, and still only its own script', async () => {
    const reference = (await withAssets('/docs/')).headers.get('Content-Security-Policy') ?? ''
    expect(reference).toContain("style-src 'self' 'unsafe-inline'")
    expect(reference).toContain("img-src 'self' data:")
    expect(reference).toContain("script-src 'self';")
    expect(reference).toContain("frame-ancestors 'none'")
    const page = (await withAssets('/')).headers.get('Content-Security-Policy') ?? ''
    expect(page).not.toContain('data:')
  })

  it('reflects no Host in a redirect: its Location is relative', async () => {
    const response = await fetchWith({ ASSETS: assets }, 'https://attacker.example/index.html')
    expect(response.status).toBe(307)
    expect(response.headers.get('Location')).toBe('/?from=index')
  })

  it('passes conditional requests to the files, which answer 304', async () => {
    const response = await withAssets('/', { headers: { 'If-None-Match': '"page"' } })
    expect(response.status).toBe(304)
  })

  it.each([
    { method: 'POST', status: 405 },
    { method: 'PUT', status: 405 },
    { method: 'DELETE', status: 405 },
    { method: 'OPTIONS', status: 204 },
  ])('answers $method on a file $status with Allow: GET, HEAD, OPTIONS', async ({ method, status }) => {
    const response = await withAssets('/', { method, ...(method === 'PUT' ? { body: 'x' } : {}) })
    expect(response.status).toBe(status)
    expect(response.headers.get('Allow')).toBe('GET, HEAD, OPTIONS')
    if (status === 405) await expectProblem(response, 405)
    // The file was looked up with a bodiless HEAD, never with the request's own method or body.
    expect(asked.at(-1)?.method).toBe('HEAD')
  })

  it('keeps the 404 problem for a path that is neither a route nor a file', async () => {
    await expectProblem(await withAssets('/nowhere.js'), 404)
    await expectProblem(await withAssets('/nowhere.js', { method: 'POST' }), 404)
  })

  it('never hands an API path to the files', async () => {
    asked.length = 0
    await expectProblem(await withAssets('/api/items/missing'), 404)
    const tasks = await withAssets('/api/tasks', { method: 'PUT' })
    await expectProblem(tasks, 405)
    expect(asked).toEqual([])
  })
})
