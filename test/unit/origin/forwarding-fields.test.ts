import { describe, expect, it } from 'vitest'
import {
  clientAddressOf,
  forwardingFields,
  isSpoofableField,
  SPOOFABLE_FIELDS,
} from '../../../src/origin/forwarding-fields.ts'

/**
 * CLIENT_SENT_SPOOFS are fields a black-box review sent through to the origin, each read by some proxy,
 * framework or origin app as a fact about the client or the request, and a few of their kin.
 */
const CLIENT_SENT_SPOOFS = [
  'X_Forwarded_For',
  'X_Real_IP',
  'Forwarded-For',
  'X-Forwarded',
  'X-Originating-IP',
  'X-Remote-IP',
  'X-Remote-Addr',
  'Fastly-Client-IP',
  'X-Envoy-External-Address',
  'X-Original-Forwarded-For',
  'X-ProxyUser-Ip',
  'WL-Proxy-Client-IP',
  'Proxy-Client-IP',
  'X-ARR-ClientIP',
  'X-Forwarded-By',
  'X-Real-Port',
  'X-Forwarded-Protocol',
  'Front-End-Https',
  'X-Url-Scheme',
  'X-Envoy-Original-Path',
  'X-Forwarded-Path',
  'X-Original-Method',
  'X-Forwarded-Method',
  'X-Middleware-Subrequest',
  'X-HTTP-Host-Override',
  'X-Azure-ClientIP',
  'X-Remote-User',
  'CF-IPCountry',
  'CF-Worker',
  'CF-Connecting-IP',
]

describe('isSpoofableField', () => {
  it.each([...SPOOFABLE_FIELDS, ...CLIENT_SENT_SPOOFS].map((name) => ({ name })))(
    'drops $name',
    ({ name }) => {
      expect(isSpoofableField(name)).toBe(true)
    },
  )

  it.each(
    [
      'Accept',
      'Accept-Language',
      'Accept-Encoding',
      'Content-Type',
      'User-Agent',
      'Authorization',
      'Cookie',
      'Origin',
      'Referer',
      'X-Request-Id',
      'X-Correlation-Id',
      'X-Api-Version',
      'X-Api-Key',
      'X-Client-Version',
      'X-User-Id',
      'Idempotency-Key',
      'Traceparent',
      'Prefer',
      'Access-Control-Request-Method',
      'Access-Control-Request-Headers',
      'Sec-WebSocket-Protocol',
      'X-Requested-With',
    ].map((name) => ({ name })),
  )('passes $name', ({ name }) => {
    expect(isSpoofableField(name)).toBe(false)
  })
})

describe('clientAddressOf', () => {
  it.each([
    { value: '198.51.100.7', want: { ip: '198.51.100.7', family: 4 } },
    { value: ' 2001:db8::1 ', want: { ip: '2001:db8::1', family: 6 } },
    { value: '::ffff:192.0.2.1', want: { ip: '::ffff:192.0.2.1', family: 6 } },
    { value: '256.1.1.1', want: null },
    { value: '198.51.100.7, 10.0.0.1', want: null },
    { value: '[2001:db8::1]', want: null },
    { value: 'fe80::1%eth0', want: null },
    { value: 'unknown', want: null },
    { value: '"for=1.2.3.4"', want: null },
    { value: null, want: null },
  ])('reads CF-Connecting-IP $value as $want', ({ value, want }) => {
    const headers = new Headers(value === null ? {} : { 'CF-Connecting-IP': value })
    expect(clientAddressOf(headers)).toEqual(want)
  })
})

describe('forwardingFields', () => {
  it.each([
    {
      client: { ip: '192.0.2.60', family: 4 as const },
      proto: 'https' as const,
      want: { forwarded: 'for=192.0.2.60;proto=https', xff: '192.0.2.60' },
    },
    // RFC 7239 section 6: an IPv6 node is bracketed, and so quoted.
    {
      client: { ip: '2001:db8:cafe::17', family: 6 as const },
      proto: 'http' as const,
      want: { forwarded: 'for="[2001:db8:cafe::17]";proto=http', xff: '2001:db8:cafe::17' },
    },
    // RFC 7239 section 6.2: an unknown node is "unknown"; X-Forwarded-For has no such word, so it is left out.
    { client: null, proto: 'https' as const, want: { forwarded: 'for=unknown;proto=https', xff: null } },
  ])('for $client over $proto', ({ client, proto, want }) => {
    const fields = forwardingFields(client, proto)
    expect(fields.get('Forwarded')).toBe(want.forwarded)
    expect(fields.get('X-Forwarded-For')).toBe(want.xff)
    expect(fields.get('X-Forwarded-Proto')).toBe(proto)
  })
})
