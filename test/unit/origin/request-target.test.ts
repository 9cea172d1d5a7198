import { describe, expect, it } from 'vitest'
import { isPathTarget } from '../../../src/http/host.ts'
import { refusedPathReason } from '../../../src/origin/request-target.ts'

describe('refusedPathReason', () => {
  it.each([
    { path: '/users/1', want: null },
    { path: '', want: null },
    { path: '/', want: null },
    { path: '/files/report%20final.pdf', want: null },
    { path: '/files/100%25', want: null },
    { path: '/caf%C3%A9', want: null },
    { path: '/users/1..2', want: null },
    { path: '/.well-known/x', want: null },
    { path: '/..%2fsecret', want: 'an encoded "/"' },
    { path: '/..%2Fsecret', want: 'an encoded "/"' },
    { path: '/%2e%2e%2fsecret', want: 'an encoded "/"' },
    { path: '/a%2fb', want: 'an encoded "/"' },
    { path: '/..%5csecret', want: 'a "\\"' },
    { path: '/%5c', want: 'a "\\"' },
    { path: '/%u002e%u002e/secret', want: 'a %u escape' },
    { path: '/%U002E', want: 'a %u escape' },
    { path: '/%252e%252e/secret', want: 'a dot segment' },
    { path: '/%25252e%25252e/secret', want: 'a dot segment' },
    { path: '/..%252fsecret', want: 'an encoded "/"' },
    { path: '/%252e', want: 'a dot segment' },
    { path: '/..;/secret', want: 'a dot segment' },
    { path: '/%2e%2e;x/secret', want: 'a dot segment' },
    // WHATWG URL parsing leaves none of these in a path, but a caller that skipped it is still covered.
    { path: '/../secret', want: 'a dot segment' },
    { path: '/./x', want: 'a dot segment' },
    { path: '/users%00.json', want: 'a NUL' },
    { path: '/users%2500.json', want: 'a NUL' },
    { path: '/%c0%ae%c0%ae/secret', want: 'an overlong UTF-8 form' },
    { path: '/%e0%80%af', want: 'an overlong UTF-8 form' },
    { path: `/%${'25'.repeat(6)}2e`, want: 'percent-encoding nested too deeply' },
  ])('$path: $want', ({ path, want }) => {
    expect(refusedPathReason(path)).toBe(want)
  })

  it('answers a long hostile path quickly, without throwing', () => {
    const path = `/${'%25'.repeat(20_000)}2e${'%2f'.repeat(20_000)}`
    expect(refusedPathReason(path)).toEqual(expect.any(String))
  })
})

describe('isPathTarget', () => {
  it.each([
    { url: 'https://edge.example/legacy/users', want: true },
    { url: 'http://127.0.0.1:8787/', want: true },
    // What workerd builds for `OPTIONS * HTTP/1.1`, without and with a port in Host.
    { url: 'http://edge.example*', want: false },
    { url: 'http://edge.example:8787*', want: false },
    { url: '*', want: false },
  ])('$url: $want', ({ url, want }) => {
    expect(isPathTarget(url)).toBe(want)
  })
})
