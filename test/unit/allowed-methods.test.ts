import { Hono, type MiddlewareHandler } from 'hono'
import { describe, expect, it } from 'vitest'
import { allowedMethodsOf, answerUnrouted } from '../../src/allowed-methods.ts'

const ok = () => new Response('ok')
const passThrough: MiddlewareHandler = async (_c, next) => {
  await next()
}

// A small API in the shape of this repository's: middleware on everything, a resource mounted as a sub-app
// with its own middleware, a path served by POST only, and a path covered by middleware and nothing else.
function buildApp(): Hono {
  const resource = new Hono()
  resource.use('/:id', passThrough)
  resource.get('/', ok)
  resource.post('/', ok)
  resource.get('/:id', ok)
  resource.put('/:id', ok)
  resource.patch('/:id', ok)
  resource.delete('/:id', ok)

  const app = new Hono()
  app.use(passThrough)
  app.use('/admin/*', passThrough)
  app.get('/health', ok)
  app.post('/submit', ok)
  app.route('/api/x', resource)
  return app
}

describe('allowedMethodsOf', () => {
  const allowedAt = allowedMethodsOf(buildApp())

  it.each([
    { label: "a sub-app's root", path: '/api/x', want: ['GET', 'HEAD', 'POST', 'OPTIONS'] },
    {
      label: "a sub-app's member",
      path: '/api/x/42',
      want: ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    },
    { label: 'a GET route', path: '/health', want: ['GET', 'HEAD', 'OPTIONS'] },
    { label: 'a POST route, which implies no HEAD', path: '/submit', want: ['POST', 'OPTIONS'] },
    { label: 'a path only middleware covers', path: '/admin/anything', want: [] },
    { label: 'the root, which only middleware covers', path: '/', want: [] },
    { label: 'an unknown path', path: '/nowhere', want: [] },
    { label: 'a path below a member', path: '/api/x/42/more', want: [] },
    { label: 'a path beside the sub-app', path: '/api/y', want: [] },
  ])('lists $want at $label', ({ path, want }) => {
    expect(allowedAt(path)).toEqual(want)
  })

  it('lists methods in the order GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, whatever the order of the routes', () => {
    const app = new Hono()
    app.options('/all', ok)
    app.delete('/all', ok)
    app.patch('/all', ok)
    app.put('/all', ok)
    app.post('/all', ok)
    app.get('/all', ok)
    expect(allowedMethodsOf(app)('/all')).toEqual([
      'GET',
      'HEAD',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      'OPTIONS',
    ])
  })

  it.each([
    {
      label: 'an explicit HEAD route',
      declare: (app: Hono) => app.on('HEAD', '/p', ok),
      want: ['HEAD', 'OPTIONS'],
    },
    { label: 'an explicit OPTIONS route', declare: (app: Hono) => app.options('/p', ok), want: ['OPTIONS'] },
    { label: 'a DELETE route', declare: (app: Hono) => app.delete('/p', ok), want: ['DELETE', 'OPTIONS'] },
    {
      label: 'a GET route and app.all middleware',
      declare: (app: Hono) => app.all('/p', passThrough).get('/p', ok),
      want: ['GET', 'HEAD', 'OPTIONS'],
    },
    { label: 'app.all alone', declare: (app: Hono) => app.all('/p', passThrough), want: [] },
    {
      label: 'a wildcard GET route',
      declare: (app: Hono) => app.get('/*', ok),
      want: ['GET', 'HEAD', 'OPTIONS'],
    },
  ])('lists $want for $label', ({ declare, want }) => {
    const app = new Hono()
    declare(app)
    expect(allowedMethodsOf(app)('/p')).toEqual(want)
  })

  it('sees routes added after it was made, until it is first used', () => {
    const app = new Hono()
    const allowed = allowedMethodsOf(app)
    app.get('/late', ok)
    expect(allowed('/late')).toEqual(['GET', 'HEAD', 'OPTIONS'])
  })
})

describe('answerUnrouted', () => {
  function request(path: string, method: string): Promise<Response> {
    const app = buildApp()
    app.notFound(answerUnrouted(app))
    return Promise.resolve(app.request(path, { method }))
  }

  it.each([
    { method: 'GET', path: '/nowhere' },
    { method: 'DELETE', path: '/nowhere' },
    { method: 'OPTIONS', path: '/nowhere' },
    { method: 'GET', path: '/admin/anything' },
    { method: 'PUT', path: '/api/x/42/more' },
  ])('answers 404 problem+json to $method $path', async ({ method, path }) => {
    const response = await request(path, method)
    expect(response.status).toBe(404)
    expect(response.headers.get('Content-Type')).toBe('application/problem+json')
    expect(response.headers.has('Allow')).toBe(false)
    expect(await response.json()).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: `Nothing is served at ${path}`,
    })
  })

  it.each([
    { method: 'DELETE', path: '/api/x', allow: 'GET, HEAD, POST, OPTIONS' },
    { method: 'POST', path: '/api/x/42', allow: 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS' },
    { method: 'PUT', path: '/health', allow: 'GET, HEAD, OPTIONS' },
    { method: 'GET', path: '/submit', allow: 'POST, OPTIONS' },
    { method: 'PROPFIND', path: '/health', allow: 'GET, HEAD, OPTIONS' },
  ])('answers 405 with "Allow: $allow" to $method $path', async ({ method, path, allow }) => {
    const response = await request(path, method)
    expect(response.status).toBe(405)
    expect(response.headers.get('Allow')).toBe(allow)
    expect(response.headers.get('Content-Type')).toBe('application/problem+json')
    expect(await response.json()).toEqual({
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      detail: `${method} is not supported here; use ${allow}`,
    })
  })

  it('answers 405 with Allow, and no body, to HEAD where only POST is served', async () => {
    const response = await request('/submit', 'HEAD')
    expect(response.status).toBe(405)
    expect(response.headers.get('Allow')).toBe('POST, OPTIONS')
    expect(await response.text()).toBe('')
  })

  it.each([
    { path: '/api/x', allow: 'GET, HEAD, POST, OPTIONS' },
    { path: '/api/x/42', allow: 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS' },
    { path: '/submit', allow: 'POST, OPTIONS' },
  ])('answers 204 with "Allow: $allow" to OPTIONS $path', async ({ path, allow }) => {
    const response = await request(path, 'OPTIONS')
    expect(response.status).toBe(204)
    expect(response.headers.get('Allow')).toBe(allow)
    expect(await response.text()).toBe('')
  })

  it.each([
    { method: 'GET', path: '/api/x/42' },
    { method: 'HEAD', path: '/health' },
    { method: 'POST', path: '/submit' },
  ])('leaves $method $path to its route', async ({ method, path }) => {
    const response = await request(path, method)
    expect(response.status).toBe(200)
  })

  it('echoes no more than 200 characters of a 20 000-character path', async () => {
    const path = `/${'a'.repeat(19_999)}`
    const response = await request(path, 'GET')
    const { detail } = (await response.json()) as { detail: string }
    expect(response.status).toBe(404)
    expect(detail).toBe(`Nothing is served at ${path.slice(0, 200)}...`)
  })
})
