import { beforeEach, describe, expect, it } from 'vitest'
import { clearStore, etagOf, fetchWith, itemUrl, put } from './api.ts'

beforeEach(clearStore)

const APP = 'https://app.example'
const configured = { CORS_ALLOWED_ORIGINS: `${APP}, https://admin.example` }

function varyOf(response: Response): string[] {
  return (response.headers.get('Vary') ?? '').split(',').map((name) => name.trim().toLowerCase())
}

describe('CORS for configured origins', () => {
  it('answers a preflight for a conditional, authorised PUT', async () => {
    const response = await fetchWith(configured, itemUrl('apple'), {
      method: 'OPTIONS',
      headers: {
        Origin: APP,
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'if-match, authorization, content-type',
      },
    })
    expect(response.status).toBe(204)
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(APP)
    expect(response.headers.get('Access-Control-Allow-Methods')?.split(',')).toEqual(
      expect.arrayContaining(['GET', 'HEAD', 'PUT', 'DELETE']),
    )
    const allowed = (response.headers.get('Access-Control-Allow-Headers') ?? '').toLowerCase().split(',')
    for (const name of [
      'if-none-match',
      'if-match',
      'if-modified-since',
      'if-unmodified-since',
      'authorization',
    ]) {
      expect(allowed).toContain(name)
    }
    expect(allowed).toContain('content-type')
    expect(varyOf(response)).toContain('origin')
  })

  it('exposes the validators and Location, and varies by Origin, on a 200', async () => {
    await put('apple', { v: 1 })
    const response = await fetchWith(configured, itemUrl('apple'), { headers: { Origin: APP } })
    expect(response.status).toBe(200)
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(APP)
    const exposed = (response.headers.get('Access-Control-Expose-Headers') ?? '').toLowerCase().split(',')
    expect(exposed).toEqual(expect.arrayContaining(['etag', 'last-modified', 'location']))
    expect(varyOf(response)).toContain('origin')
  })

  it('keeps Access-Control-Allow-Origin and Vary: Origin on a 304', async () => {
    const etag = etagOf(await put('apple', { v: 1 }))
    const response = await fetchWith(configured, itemUrl('apple'), {
      headers: { Origin: APP, 'If-None-Match': etag },
    })
    expect(response.status).toBe(304)
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(APP)
    expect(varyOf(response)).toContain('origin')
  })

  it.each([
    ['a 404', itemUrl('missing'), {}],
    ['a 401', itemUrl('apple'), { method: 'PUT', body: '{}' }],
  ])('lets the page read %s: the Access-Control fields are on errors too', async (_, url, init) => {
    const response = await fetchWith(configured, url, { ...init, headers: { Origin: APP } })
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(APP)
    expect(varyOf(response)).toContain('origin')
  })

  it('grants nothing to an origin that is not configured', async () => {
    await put('apple', { v: 1 })
    const other = { Origin: 'https://evil.example' }
    const read = await fetchWith(configured, itemUrl('apple'), { headers: other })
    expect(read.headers.get('Access-Control-Allow-Origin')).toBeNull()
    const preflight = await fetchWith(configured, itemUrl('apple'), {
      method: 'OPTIONS',
      headers: { ...other, 'Access-Control-Request-Method': 'PUT' },
    })
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBeNull()
  })

  it('allows any origin with "*"', async () => {
    await put('apple', { v: 1 })
    const response = await fetchWith({ CORS_ALLOWED_ORIGINS: '*' }, itemUrl('apple'), {
      headers: { Origin: APP },
    })
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*')
  })

  it('is off by default: no Access-Control fields', async () => {
    await put('apple', { v: 1 })
    const response = await fetchWith({}, itemUrl('apple'), { headers: { Origin: APP } })
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull()
    expect(response.headers.get('Access-Control-Expose-Headers')).toBeNull()
  })

  it('still answers a plain OPTIONS, one that is not a preflight, with Allow', async () => {
    const response = await fetchWith(configured, itemUrl('apple'), {
      method: 'OPTIONS',
      headers: { Origin: APP },
    })
    expect(response.status).toBe(204)
    expect(response.headers.get('Allow')).toBe('GET, HEAD, PUT, PATCH, DELETE, OPTIONS')
  })
})
