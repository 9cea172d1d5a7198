import { describe, expect, it } from 'vitest'
import { contentETag } from '../../../src/http/content-etag.ts'
import { canonicalText, originRepresentation } from '../../../src/origin/origin-representation.ts'

const bytesOf = (text: string) => new TextEncoder().encode(text)
const textOf = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe('canonicalText', () => {
  it.each([
    { label: 'whitespace', text: '{ "a" : 1 ,\n "b" : [ 1 , 2 ] }\n', want: '{"a":1,"b":[1,2]}' },
    { label: 'key order', text: '{"b":{"d":1,"c":2},"a":0}', want: '{"a":0,"b":{"c":2,"d":1}}' },
    { label: 'number forms', text: '[1.0, 1e2, -0, 0.10]', want: '[1,100,0,0.1]' },
    { label: 'escapes', text: '["\\u00e9", "\\/"]', want: '["é","/"]' },
    // Values that re-serialising could change are kept as they are.
    { label: 'a 20-digit id', text: '{"id": 12345678901234567890}', want: null },
    { label: '2^53 + 1', text: '[9007199254740993]', want: null },
    { label: '17 significant digits a double cannot hold', text: '[12345678.123456789]', want: null },
    { label: 'a number beyond a double', text: '[1e400]', want: null },
    { label: 'a number below a double', text: '[1e-400]', want: null },
    { label: 'an exponent a double holds', text: '[1.5e3, 2E-2]', want: '[1500,0.02]' },
    {
      label: 'full-precision doubles',
      text: '[0.14285714285714285, 9007199254740992]',
      want: '[0.14285714285714285,9007199254740992]',
    },
    {
      label: 'long exact spellings',
      text: '[1.0000000000000000, 100000000000000000000]',
      want: '[1,100000000000000000000]',
    },
    {
      label: 'a 20-digit run inside a string',
      text: '{"card": "12345678901234567890"}',
      want: '{"card":"12345678901234567890"}',
    },
    { label: 'a repeated member name', text: '{"a": 1, "a": 2}', want: null },
    { label: 'invalid JSON', text: '{"a": ', want: null },
    { label: 'nothing', text: '', want: null },
    {
      label: 'nesting deeper than canonical JSON allows',
      text: `${'['.repeat(600)}${']'.repeat(600)}`,
      want: null,
    },
  ])('$label', ({ text, want }) => {
    expect(canonicalText(text)).toBe(want)
  })
})

describe('originRepresentation', () => {
  it('gives replicas that differ in key order and whitespace one tag, over the canonical bytes it sends', async () => {
    const a = await originRepresentation(bytesOf('{\n  "id": 1,\n  "name": "Ada"\n}\n'), 'application/json')
    const b = await originRepresentation(bytesOf('{"name":"Ada","id":1}'), 'application/json; charset=utf-8')
    expect(a.etag).toBe(b.etag)
    expect(textOf(a.bytes)).toBe('{"id":1,"name":"Ada"}')
    expect(a.etag).toBe(await contentETag(a.bytes))
    expect(a.canonical).toBe(true)
  })

  it.each(['application/problem+json', 'application/vnd.api+json', 'Application/JSON'])(
    'canonicalises %s',
    async (type) => {
      expect((await originRepresentation(bytesOf('{ "a": 1 }'), type)).canonical).toBe(true)
    },
  )

  it.each([
    { label: 'text', type: 'text/plain', body: '{ "a": 1 }' },
    { label: 'no type', type: null, body: '{ "a": 1 }' },
    { label: 'JSON lines', type: 'application/jsonl', body: '{ "a": 1 }' },
    { label: 'JSON in another charset', type: 'application/json; charset=latin1', body: '{ "a": 1 }' },
    { label: 'broken JSON', type: 'application/json', body: '{ "a": ' },
  ])('hashes $label byte for byte and sends it unchanged', async ({ type, body }) => {
    const representation = await originRepresentation(bytesOf(body), type)
    expect(representation.canonical).toBe(false)
    expect(textOf(representation.bytes)).toBe(body)
    expect(representation.etag).toBe(await contentETag(bytesOf(body)))
  })

  it('keeps JSON that is not UTF-8 as it is', async () => {
    const latin1 = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d])
    const representation = await originRepresentation(latin1, 'application/json')
    expect(representation.canonical).toBe(false)
    expect(representation.bytes).toEqual(latin1)
  })
})
