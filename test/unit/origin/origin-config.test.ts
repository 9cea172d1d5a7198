import { describe, expect, it } from 'vitest'
import type { Env } from '../../../src/env.ts'
import { readOriginConfig, upstreamUrlOf } from '../../../src/origin/origin-config.ts'

const env = {} as Env

describe('readOriginConfig', () => {
  it('is off while ORIGIN_URL is empty or absent', () => {
    expect(readOriginConfig(env)).toBeNull()
    expect(readOriginConfig({ ...env, ORIGIN_URL: '  ' })).toBeNull()
  })

  it('defaults the prefix to /origin and the timeout to 10 s', () => {
    const config = readOriginConfig({ ...env, ORIGIN_URL: 'https://api.example' })
    expect(config?.prefix).toBe('/origin')
    expect(config?.timeoutMs).toBe(10_000)
  })

  it.each([
    { prefix: 'legacy', want: '/legacy' },
    { prefix: '/legacy/', want: '/legacy' },
    { prefix: '//v1//', want: '/v1' },
    { prefix: '/', want: '' },
    { prefix: '', want: '' },
  ])('normalises the prefix $prefix to $want', ({ prefix, want }) => {
    expect(
      readOriginConfig({ ...env, ORIGIN_URL: 'https://api.example', ORIGIN_PREFIX: prefix })?.prefix,
    ).toBe(want)
  })

  it.each(['0', '-5', 'soon', '1.5'])('falls back to the default timeout for %s', (timeout) => {
    const config = readOriginConfig({ ...env, ORIGIN_URL: 'https://api.example', ORIGIN_TIMEOUT_MS: timeout })
    expect(config?.timeoutMs).toBe(10_000)
  })

  it.each(['api.example', 'ftp://api.example', '/relative', 'http://'])(
    'refuses ORIGIN_URL %s loudly',
    (url) => {
      expect(() => readOriginConfig({ ...env, ORIGIN_URL: url })).toThrow(/ORIGIN_URL/)
    },
  )
})

describe('upstreamUrlOf', () => {
  it.each([
    {
      base: 'https://api.example',
      prefix: '/legacy',
      path: '/legacy/users/1?x=1',
      want: 'https://api.example/users/1?x=1',
    },
    {
      base: 'https://api.example/v2/',
      prefix: '/legacy',
      path: '/legacy/users',
      want: 'https://api.example/v2/users',
    },
    { base: 'https://api.example/v2', prefix: '/legacy', path: '/legacy', want: 'https://api.example/v2' },
    { base: 'https://api.example', prefix: '/legacy', path: '/legacy', want: 'https://api.example/' },
    { base: 'http://127.0.0.1:8788', prefix: '', path: '/anything', want: 'http://127.0.0.1:8788/anything' },
    { base: 'https://api.example', prefix: '/legacy', path: '/legacyx/users', want: null },
    { base: 'https://api.example', prefix: '/legacy', path: '/api/items', want: null },
    {
      base: 'https://api.example?key=1#x',
      prefix: '/o',
      path: '/o/a?b=2',
      want: 'https://api.example/a?b=2',
    },
  ])('maps $path under $prefix to $want', ({ base, prefix, path, want }) => {
    const config = readOriginConfig({ ...env, ORIGIN_URL: base, ORIGIN_PREFIX: prefix })
    if (config === null) throw new Error('origin mode should be on')
    expect(upstreamUrlOf(config, new URL(`https://edge.example${path}`))?.href ?? null).toBe(want)
  })
})
