import { describe, expect, it } from 'vitest'
import {
  CREDENTIAL_FIELDS,
  forwardedHeaders,
  isForOneUserRequest,
  passedOnHeaders,
} from '../../../src/origin/forwarded-request.ts'
import { SPOOFABLE_FIELDS } from '../../../src/origin/forwarding-fields.ts'

const asRequest = (headers: Headers, method = 'GET') =>
  new Request('https://edge.example/legacy/users', { method, headers })

describe('forwardedHeaders', () => {
  const fields = new Headers({
    Accept: 'application/json',
    'Accept-Language': 'fr',
    Authorization: 'Bearer x',
    Connection: 'keep-alive, X-Hop',
    'X-Hop': 'only for this hop',
    'Keep-Alive': 'timeout=5',
    Host: 'edge.example',
    'If-None-Match': '"ours"',
    'If-Match': '"ours"',
    'If-Modified-Since': 'Mon, 30 Nov 2026 12:00:00 GMT',
    'If-Unmodified-Since': 'Mon, 30 Nov 2026 12:00:00 GMT',
    'If-Range': '"ours"',
    Range: 'bytes=0-10',
    'Content-Type': 'application/json',
  })
  const request = asRequest(fields)

  it('keeps the fields that choose and authorise the answer', () => {
    const forwarded = forwardedHeaders(request)
    expect(forwarded.get('Accept')).toBe('application/json')
    expect(forwarded.get('Accept-Language')).toBe('fr')
    expect(forwarded.get('Authorization')).toBe('Bearer x')
    expect(forwarded.get('Content-Type')).toBe('application/json')
  })

  it.each([
    'Connection',
    'X-Hop',
    'Keep-Alive',
    'Host',
    'If-None-Match',
    'If-Match',
    'If-Modified-Since',
    'If-Unmodified-Since',
    'If-Range',
    'Range',
  ])('drops %s', (name) => {
    expect(forwardedHeaders(request).has(name)).toBe(false)
  })

  it('drops the body fields for a read made on behalf of a write', () => {
    expect(forwardedHeaders(request, { asRead: true }).has('Content-Type')).toBe(false)
  })

  const spoofed = new Headers(SPOOFABLE_FIELDS.map((name) => [name, '203.0.113.66']))
  spoofed.set('X-Original-URL', '/admin')
  spoofed.set('X-HTTP-Method-Override', 'DELETE')

  const replaced = ['forwarded', 'x-forwarded-for', 'x-forwarded-proto']
  it.each(SPOOFABLE_FIELDS.filter((name) => !replaced.includes(name)))('drops the client’s %s', (name) => {
    expect(forwardedHeaders(asRequest(spoofed)).has(name)).toBe(false)
  })

  it('drops fields by their family, not only those listed: underscores, cf-*, forwarded, client IPs', () => {
    const headers = new Headers({
      X_Forwarded_For: '203.0.113.66',
      'Forwarded-For': '203.0.113.66',
      'Fastly-Client-IP': '203.0.113.66',
      'X-Middleware-Subrequest': 'middleware',
      'CF-IPCountry': 'XX',
      'X-Request-Id': 'kept',
    })
    const forwarded = forwardedHeaders(asRequest(headers))
    expect([...forwarded.keys()].sort()).toEqual([
      'accept-encoding',
      'forwarded',
      'x-forwarded-proto',
      'x-request-id',
    ])
  })

  it('replaces the client’s Forwarded and X-Forwarded-* with its own, from CF-Connecting-IP', () => {
    const headers = new Headers(spoofed)
    headers.set('CF-Connecting-IP', '198.51.100.7')
    const forwarded = forwardedHeaders(asRequest(headers))
    expect(forwarded.get('Forwarded')).toBe('for=198.51.100.7;proto=https')
    expect(forwarded.get('X-Forwarded-For')).toBe('198.51.100.7')
    expect(forwarded.get('X-Forwarded-Proto')).toBe('https')
    expect(forwarded.has('X-Forwarded-Host')).toBe(false)
    expect(forwarded.has('CF-Connecting-IP')).toBe(false)
    expect([...forwarded.values()].join()).not.toContain('203.0.113.66')
  })

  it('says for=unknown, and sends no X-Forwarded-For, when no client address is known', () => {
    const headers = new Headers(spoofed)
    headers.delete('CF-Connecting-IP')
    const forwarded = forwardedHeaders(asRequest(headers))
    expect(forwarded.get('Forwarded')).toBe('for=unknown;proto=https')
    expect(forwarded.has('X-Forwarded-For')).toBe(false)
  })

  it.each([
    { accepts: 'gzip, deflate, br', method: 'GET', want: 'gzip' },
    { accepts: 'br', method: 'HEAD', want: 'identity' },
    { accepts: null, method: 'GET', want: 'identity' },
  ])('asks the origin for $want on a $method accepting $accepts', ({ accepts, method, want }) => {
    const headers = new Headers(accepts === null ? {} : { 'Accept-Encoding': accepts })
    expect(forwardedHeaders(asRequest(headers, method)).get('Accept-Encoding')).toBe(want)
  })

  it('passes a write’s Accept-Encoding on as it is: the answer comes back as the origin coded it', () => {
    const headers = new Headers({ 'Accept-Encoding': 'br' })
    expect(forwardedHeaders(asRequest(headers, 'PUT')).get('Accept-Encoding')).toBe('br')
  })
})

describe('passedOnHeaders', () => {
  const answer = new Headers({
    ETag: '"replica-a"',
    'Last-Modified': 'Mon, 30 Nov 2026 12:00:00 GMT',
    'Cache-Control': 'private',
    Vary: 'Accept',
    'Content-Length': '10',
    'Content-Encoding': 'gzip',
    'Transfer-Encoding': 'chunked',
  })

  it('drops the origin’s validators and the hop-by-hop fields, keeping the rest', () => {
    const passed = passedOnHeaders(answer)
    expect([...passed.keys()].sort()).toEqual(['cache-control', 'content-encoding', 'content-length', 'vary'])
  })

  it('drops the framing of a body edge-etag sends itself', () => {
    expect([...passedOnHeaders(answer, { ownBody: true }).keys()].sort()).toEqual(['cache-control', 'vary'])
  })

  it('drops the fields that would act on this whole origin', () => {
    const siteWide = new Headers({ 'Clear-Site-Data': '"storage"', 'Service-Worker-Allowed': '/' })
    expect([...passedOnHeaders(siteWide).keys()]).toEqual([])
  })

  it('relocates the URLs in Refresh and Link, and drops a Refresh or a Link member that relocating refuses', () => {
    const relocate = (location: string) => (location.startsWith('/') ? `/legacy${location}` : null)
    const passed = passedOnHeaders(
      new Headers({
        Refresh: '0; url=/users/3',
        Link: '</users/3>; rel=self, <http://10.0.0.7/>; rel=admin',
      }),
      { relocate },
    )
    expect(passed.get('Refresh')).toBe('0; url=/legacy/users/3')
    expect(passed.get('Link')).toBe('</legacy/users/3>; rel=self')
    const hidden = passedOnHeaders(new Headers({ Refresh: '0; url=http://10.0.0.7/' }), { relocate })
    expect(hidden.has('Refresh')).toBe(false)
  })

  it('relocates Location and Content-Location, and drops what relocating refuses', () => {
    const located = new Headers({ Location: '/users/3', 'Content-Location': 'http://10.0.0.7/users/3' })
    const passed = passedOnHeaders(located, {
      relocate: (location) => (location.startsWith('/') ? `/legacy${location}` : null),
    })
    expect(passed.get('Location')).toBe('/legacy/users/3')
    expect(passed.has('Content-Location')).toBe(false)
  })
})

describe('isForOneUserRequest', () => {
  it.each([
    ...CREDENTIAL_FIELDS.map((name) => ({ headers: { [name]: 'x' }, want: true })),
    { headers: { 'X-API-Key': 'key-ada' }, want: true },
    // Fields no list names, told by their words.
    { headers: { 'PRIVATE-TOKEN': 'glpat-x' }, want: true },
    { headers: { 'X-Amz-Security-Token': 'x' }, want: true },
    { headers: { 'Ocp-Apim-Subscription-Key': 'x' }, want: true },
    { headers: { 'X-Goog-Api-Key': 'x' }, want: true },
    { headers: { 'X-Apikey': 'x' }, want: true },
    { headers: { 'X-Client-Secret': 'x' }, want: true },
    { headers: { 'X-Session-Id': 'x' }, want: true },
    { headers: { 'X-Password': 'x' }, want: true },
    { headers: { 'X-Credentials': 'x' }, want: true },
    { headers: { Signature: 'sig1=:x:' }, want: true },
    { headers: { 'X-Auth-User': 'ada' }, want: true },
    { headers: { 'X-CSRF-Token': 'x' }, want: true },
    { headers: { 'X-Jwt-Assertion': 'x' }, want: true },
    { headers: { Accept: '*/*', 'X-Request-Id': '1' }, want: false },
    {
      headers: {
        'Accept-Language': 'fr',
        'User-Agent': 'curl/8',
        'X-Api-Version': '2',
        'Idempotency-Key': 'k',
        'Content-Type': 'application/json',
        Origin: 'https://app.example',
      },
      want: false,
    },
  ])('$headers: $want', ({ headers, want }) => {
    expect(isForOneUserRequest(new Headers(headers))).toBe(want)
  })
})
