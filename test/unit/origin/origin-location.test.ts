import { describe, expect, it } from 'vitest'
import type { Env } from '../../../src/env.ts'
import { readOriginConfig, upstreamUrlOf } from '../../../src/origin/origin-config.ts'
import { edgeLocation, isInternalHost } from '../../../src/origin/origin-location.ts'

describe('edgeLocation', () => {
  const edge = new URL('https://edge.example/legacy/users')
  it.each([
    // Inside the base: this worker's path, relative, whatever Host the client sent.
    { base: 'https://api.example', location: '/users/3', want: '/legacy/users/3' },
    { base: 'https://api.example', location: 'users/3', want: '/legacy/users/3' },
    {
      base: 'https://api.example',
      location: 'https://api.example/users/3?a=1#b',
      want: '/legacy/users/3?a=1#b',
    },
    { base: 'https://api.example/v2', location: '/v2/users/3', want: '/legacy/users/3' },
    { base: 'https://api.example/v2/', location: '/v2', want: '/legacy' },
    { base: 'https://api.example', location: '//api.example/users/3', want: '/legacy/users/3' },
    // A path that would read as another host is kept a path.
    {
      base: 'https://api.example',
      prefix: '',
      location: '//api.example//evil.example/x',
      want: '/.//evil.example/x',
    },
    // The origin's own host outside the base, or on another port or scheme: never disclosed.
    { base: 'https://api.example/v2', location: '/v1/users/3', want: null },
    { base: 'https://api.example/v2', location: '/v2x/users', want: null },
    { base: 'https://api.example', location: 'https://api.example:8443/users/3', want: null },
    { base: 'https://api.example', location: 'http://api.example/users/3', want: null },
    // Internal addresses: never disclosed.
    { base: 'https://api.example', location: 'http://10.1.2.3/secret', want: null },
    { base: 'http://10.1.2.3', location: 'http://10.9.9.9:8080/secret', want: null },
    { base: 'https://api.example', location: 'http://localhost:3000/', want: null },
    { base: 'https://api.example', location: 'http://[fd00::1]/x', want: null },
    { base: 'https://api.example', location: 'http://backend/x', want: null },
    { base: 'https://api.example', location: 'http://db.internal/x', want: null },
    { base: 'https://api.example', location: 'http://[bad', want: null },
    // The origin's own internal base is mapped like any other.
    { base: 'http://10.1.2.3:8080', location: 'http://10.1.2.3:8080/users/3', want: '/legacy/users/3' },
    // Another public host (a login page): passed as it is.
    {
      base: 'https://api.example',
      location: 'https://login.example.com/sso?next=1',
      want: 'https://login.example.com/sso?next=1',
    },
    { base: 'https://api.example', location: 'mailto:ops@example.com', want: 'mailto:ops@example.com' },
    { base: 'https://api.example', location: 'wss://push.example.com/x', want: 'wss://push.example.com/x' },
    // The origin's own host with a trailing dot (the DNS root) is the origin's own host.
    { base: 'http://api.example.com', location: 'http://api.example.com./secret', want: '/legacy/secret' },
    { base: 'http://api.example.com/api', location: 'http://api.example.com./secret', want: null },
    { base: 'http://api.example.com/api', location: '//api.example.com./x', want: null },
    { base: 'http://api.example.com/api', location: 'http://api.example.com%2e/x', want: null },
    { base: 'http://api.example.com/api', location: 'http://api.example.com.:80/api/x', want: '/legacy/x' },
    { base: 'http://api.example.com./api', location: 'http://api.example.com/x', want: null },
    // Whatever the scheme, a URL's host is checked.
    { base: 'https://api.example', location: 'ws://10.0.0.7/admin', want: null },
    { base: 'https://api.example', location: 'ftp://10.0.0.7/x', want: null },
    { base: 'https://api.example', location: 'ws://api.example/admin', want: null },
    { base: 'https://api.example', location: 'wss://api.example./admin', want: null },
    { base: 'https://api.example', location: 'gopher://10.0.0.7/x', want: null },
    { base: 'https://api.example', location: 'foo://0xa000007/x', want: null },
    { base: 'https://api.example', location: 'foo://api.example/x', want: null },
    // Internal addresses in the forms the review found missing.
    { base: 'https://api.example', location: 'http://[::127.0.0.1]/x', want: null },
    { base: 'https://api.example', location: 'http://[64:ff9b::a00:7]/x', want: null },
    { base: 'https://api.example', location: 'http://198.18.0.1/x', want: null },
  ])('maps $location from $base to $want', ({ base, prefix = '/legacy', location, want }) => {
    const config = readOriginConfig({ ORIGIN_URL: base, ORIGIN_PREFIX: prefix } as Env)
    if (config === null) throw new Error('origin mode should be on')
    const upstream = upstreamUrlOf(config, prefix === '' ? new URL('https://edge.example/users') : edge)
    if (upstream === null) throw new Error('the edge URL should map')
    expect(edgeLocation(config, upstream, location)).toBe(want)
  })
})

describe('isInternalHost', () => {
  it.each([
    { host: '10.0.0.1', want: true },
    { host: '172.16.0.1', want: true },
    { host: '172.32.0.1', want: false },
    { host: '192.168.1.1', want: true },
    { host: '127.0.0.1', want: true },
    { host: '169.254.169.254', want: true },
    { host: '100.64.0.1', want: true },
    { host: '0.0.0.0', want: true },
    { host: '8.8.8.8', want: false },
    { host: '[::1]', want: true },
    { host: '[::]', want: true },
    { host: '[fe80::1]', want: true },
    { host: '[fc00::1]', want: true },
    { host: '[::ffff:a00:1]', want: true },
    { host: '[::ffff:808:808]', want: false },
    { host: '[2001:db8::1]', want: false },
    { host: 'localhost', want: true },
    { host: 'api.localhost', want: true },
    { host: 'printer.local', want: true },
    { host: 'db.internal', want: true },
    { host: 'intranet', want: true },
    { host: 'login.example.com', want: false },
    { host: 'login.example.com.', want: false },
    { host: 'localhost.', want: true },
    // RFC 6890's blocks the internet does not route.
    { host: '198.18.0.1', want: true },
    { host: '198.19.255.255', want: true },
    { host: '198.20.0.1', want: false },
    { host: '192.0.0.8', want: true },
    { host: '240.0.0.1', want: true },
    { host: '255.255.255.255', want: true },
    // IPv6 addresses that carry an IPv4 one are as internal as it is.
    { host: '[::7f00:1]', want: true },
    { host: '[::a00:7]', want: true },
    { host: '[::808:808]', want: false },
    { host: '[64:ff9b::a00:7]', want: true },
    { host: '[64:ff9b::808:808]', want: false },
    { host: '[64:ff9b:1::808:808]', want: true },
    { host: '[::ffff:0:a00:7]', want: true },
    { host: '[2002:a00:7::1]', want: true },
    { host: '[2002:808:808::1]', want: false },
    { host: '[2001:0:4136:e378:8000:63bf:f5ff:fff8]', want: true },
    { host: '[ff02::1]', want: true },
    { host: '[fec0::1]', want: true },
    { host: '[2606:4700::1111]', want: false },
  ])('$host: $want', ({ host, want }) => {
    expect(isInternalHost(host)).toBe(want)
  })

  it('reads the hostnames the URL parser writes, whatever form the origin used', () => {
    expect(isInternalHost(new URL('http://0x7f.1/').hostname)).toBe(true)
    expect(isInternalHost(new URL('http://[::ffff:10.0.0.1]/').hostname)).toBe(true)
    expect(isInternalHost(new URL('http://[::127.0.0.1]/').hostname)).toBe(true)
    expect(isInternalHost(new URL('http://[64:ff9b::10.0.0.7]/').hostname)).toBe(true)
    expect(isInternalHost('[::ffff:10.0.0.1]')).toBe(true)
  })
})
