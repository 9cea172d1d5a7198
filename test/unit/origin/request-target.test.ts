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
    { path: '/users%00.json', want: 'a control character' },
    { path: '/users%2500.json', want: 'a control character' },
    { path: '/users%0d%0aSet-Cookie:%20x', want: 'a control character' },
    { path: '/users%0a', want: 'a control character' },
    { path: '/users%7f', want: 'a control character' },
    { path: '/users%c2%85', want: 'a control character' },
    // Bytes that are no UTF-8: overlong forms of every length, lone continuation bytes, surrogates.
    { path: '/%c0%ae%c0%ae/secret', want: 'bytes that are no UTF-8' },
    { path: '/%e0%80%af', want: 'bytes that are no UTF-8' },
    { path: '/%f0%80%80%ae', want: 'bytes that are no UTF-8' },
    { path: '/%f8%80%80%80%ae', want: 'bytes that are no UTF-8' },
    { path: '/%fc%80%80%80%80%af', want: 'bytes that are no UTF-8' },
    { path: '/%25fc%2580%2580%2580%2580%25af', want: 'bytes that are no UTF-8' },
    { path: '/%80', want: 'bytes that are no UTF-8' },
    { path: '/%ed%a0%80', want: 'bytes that are no UTF-8' },
    { path: '/caf%e9', want: 'bytes that are no UTF-8' },
    // Characters NFKC reads as ".", "/" or "\\": full-width forms, the two-dot leader, the small full stop.
    { path: '/%ef%bc%8e%ef%bc%8e%ef%bc%8f', want: 'a character NFKC reads as "/" or "\\"' },
    { path: '/%ef%bc%8e%ef%bc%8e/secret', want: 'a character NFKC reads as a dot segment' },
    { path: '/%e2%80%a5/secret', want: 'a character NFKC reads as a dot segment' },
    { path: '/%ef%b9%92%ef%b9%92/secret', want: 'a character NFKC reads as a dot segment' },
    { path: '/a%ef%bc%8fb', want: 'a character NFKC reads as "/" or "\\"' },
    { path: '/a%ef%bc%bcb', want: 'a character NFKC reads as "/" or "\\"' },
    { path: '/%25e2%2580%25a5/secret', want: 'a character NFKC reads as a dot segment' },
    // Dots and whitespace only, which Windows and IIS trim to "..".
    { path: '/..%20/secret', want: 'a dot segment' },
    { path: '/..%09/secret', want: 'a control character' },
    { path: '/..%c2%a0/secret', want: 'a dot segment' },
    { path: '/..../secret', want: 'a dot segment' },
    { path: '/.%20./secret', want: 'a dot segment' },
    { path: '/%2e%2e%20/secret', want: 'a dot segment' },
    // Characters NFKC changes into nothing dangerous, and names with dots beside other characters, pass.
    { path: '/%ef%bd%81pi', want: null },
    { path: '/%e2%84%a2', want: null },
    { path: '/v1.2..3', want: null },
    { path: '/..a', want: null },
    { path: '/%20', want: null },
    { path: '/%f0%9f%98%80', want: null },
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
