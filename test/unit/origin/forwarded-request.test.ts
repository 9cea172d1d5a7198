import { describe, expect, it } from 'vitest'
import {
  forwardedHeaders,
  isForOneUserRequest,
  passedOnHeaders,
} from '../../../src/origin/forwarded-request.ts'

describe('forwardedHeaders', () => {
  const request = new Headers({
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
})

describe('isForOneUserRequest', () => {
  it.each([
    { headers: { Authorization: 'Basic x' }, want: true },
    { headers: { Cookie: 'a=1' }, want: true },
    { headers: { Accept: '*/*' }, want: false },
  ])('$headers: $want', ({ headers, want }) => {
    expect(isForOneUserRequest(new Headers(headers))).toBe(want)
  })
})
