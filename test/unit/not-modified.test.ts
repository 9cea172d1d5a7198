import { describe, expect, it } from 'vitest'
import { notModified, RETAINED_304_HEADERS } from '../../src/http/not-modified.ts'

// RFC 9110 section 15.4.5: the fields a 304 must carry when the 200 would have.
const MUST_RETAIN = ['Cache-Control', 'Content-Location', 'Date', 'ETag', 'Expires', 'Vary']

const fullResponseHeaders = (): Headers =>
  new Headers({
    'Cache-Control': 'no-cache',
    'Content-Location': '/api/items/apple',
    Date: 'Sun, 06 Nov 1994 08:49:37 GMT',
    ETag: '"RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o"',
    Expires: 'Sun, 06 Nov 1994 09:49:37 GMT',
    'Last-Modified': 'Sat, 05 Nov 1994 08:49:37 GMT',
    Vary: 'Accept-Encoding, Authorization',
    'Content-Type': 'application/json',
    'Content-Length': '2',
    'Content-Encoding': 'gzip',
    'Content-Language': 'en',
    'X-Request-Id': 'abc-123',
    'Set-Cookie': 'session=1',
  })

describe('RETAINED_304_HEADERS', () => {
  it('lists the fields RFC 9110 section 15.4.5 requires, and Last-Modified', () => {
    expect([...RETAINED_304_HEADERS].sort()).toEqual([...MUST_RETAIN, 'Last-Modified'].sort())
  })
})

describe('notModified', () => {
  it('answers 304 with no body', async () => {
    const response = notModified(fullResponseHeaders())
    expect(response.status).toBe(304)
    expect(response.body).toBeNull()
    expect(await response.text()).toBe('')
  })

  it.each([
    { spelling: 'as RETAINED_304_HEADERS spells them', name: (field: string) => field },
    { spelling: 'in lower case', name: (field: string) => field.toLowerCase() },
  ])('keeps the same fields from a record of fields named $spelling', ({ name }) => {
    const record = Object.fromEntries(
      [...fullResponseHeaders()].map(([field, value]) => [name(field), value]),
    )
    // Headers lists its names in lower case; spell them back as the record under test does.
    const spelled = Object.fromEntries(
      [...RETAINED_304_HEADERS, 'Content-Type', 'Content-Length', 'Set-Cookie'].flatMap((field) => {
        const value = record[field.toLowerCase()]
        return value === undefined ? [] : [[name(field), value]]
      }),
    )
    const fromRecord = notModified(spelled)
    const fromHeaders = notModified(fullResponseHeaders())
    expect([...fromRecord.headers]).toEqual([...fromHeaders.headers])
    expect(fromRecord.headers.get('Content-Type')).toBeNull()
  })

  it('keeps exactly the fields a 304 must carry, with their values', () => {
    const source = fullResponseHeaders()
    const response = notModified(source)
    const kept = [...response.headers.keys()].sort()
    expect(kept).toEqual(MUST_RETAIN.map((name) => name.toLowerCase()).sort())
    for (const name of MUST_RETAIN) {
      expect(response.headers.get(name), name).toBe(source.get(name))
    }
  })

  // Section 15.4.5: no representation metadata beyond those, "unless said metadata exists for the purpose of
  // guiding cache updates (e.g., Last-Modified might be useful if the response does not have an ETag field)".
  it('drops Last-Modified beside an ETag, and keeps it when there is none', () => {
    expect(notModified(fullResponseHeaders()).headers.get('Last-Modified')).toBeNull()
    const untagged = fullResponseHeaders()
    untagged.delete('ETag')
    const response = notModified(untagged)
    expect(response.headers.get('Last-Modified')).toBe('Sat, 05 Nov 1994 08:49:37 GMT')
    expect(response.headers.get('ETag')).toBeNull()
  })

  it.each(['Content-Type', 'Content-Encoding', 'Content-Language', 'X-Request-Id', 'Set-Cookie'])(
    'drops %s',
    (name) => {
      expect(notModified(fullResponseHeaders()).headers.get(name)).toBeNull()
    },
  )

  it('sends no Content-Length describing the unsent body', () => {
    const length = notModified(fullResponseHeaders()).headers.get('Content-Length')
    expect(length === null || length === '0').toBe(true)
  })

  it('keeps a Vary and Cache-Control that were sent as several field lines', () => {
    const source = new Headers()
    source.append('Vary', 'Accept-Encoding')
    source.append('Vary', 'Authorization')
    source.append('Cache-Control', 'private')
    source.append('Cache-Control', 'max-age=0')
    const response = notModified(source)
    expect(response.headers.get('Vary')).toBe('Accept-Encoding, Authorization')
    expect(response.headers.get('Cache-Control')).toBe('private, max-age=0')
  })

  it('adds no field the full response did not have', () => {
    const response = notModified(new Headers({ ETag: '"a"', 'Content-Type': 'application/json' }))
    expect([...response.headers.keys()]).toEqual(['etag'])
    expect(response.headers.get('ETag')).toBe('"a"')
  })

  it('does not change the headers it was given', () => {
    const source = fullResponseHeaders()
    const before = [...source.entries()]
    notModified(source)
    expect([...source.entries()]).toEqual(before)
  })
})
