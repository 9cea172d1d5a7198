import { describe, expect, it } from 'vitest'
import { CanonicalJsonError, canonicalJson, MAX_NESTING_DEPTH } from '../../src/http/canonical-json.ts'

// The error canonicalJson throws for `value`, failing the test if it throws nothing or something else.
function errorOf(value: unknown): CanonicalJsonError {
  try {
    canonicalJson(value)
  } catch (error) {
    if (error instanceof CanonicalJsonError) return error
    throw new Error(`expected a CanonicalJsonError, got ${String(error)}`)
  }
  throw new Error('expected canonicalJson to throw')
}

// A number from its IEEE 754 bits, as RFC 8785 Appendix B lists them.
function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8))
  view.setBigUint64(0, BigInt(`0x${hex}`))
  return view.getFloat64(0)
}

// `levels` arrays nested inside each other, built without recursion: nested(1) is [], nested(2) is [[]].
function nested(levels: number): unknown[] {
  let value: unknown[] = []
  for (let level = 1; level < levels; level++) value = [value]
  return value
}

describe('canonicalJson', () => {
  // RFC 8785 section 3.2.2's example, with its exact expected output.
  it('canonicalises the RFC 8785 example', () => {
    const input = JSON.parse(String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`)
    expect(canonicalJson(input)).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    )
  })

  describe('literals', () => {
    it.each([
      [null, 'null'],
      [true, 'true'],
      [false, 'false'],
      ['', '""'],
      [[], '[]'],
      [{}, '{}'],
    ])('writes %j as %s', (value, expected) => {
      expect(canonicalJson(value)).toBe(expected)
    })
  })

  describe('numbers', () => {
    // RFC 8785 Appendix B.
    it.each([
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ])('writes the double 0x%s as %s', (bits, expected) => {
      expect(canonicalJson(fromBits(bits))).toBe(expected)
    })

    it.each([
      ['1e21', '1e+21'],
      ['1e20', '100000000000000000000'],
      ['1e-7', '1e-7'],
      ['0.000001', '0.000001'],
      ['-0', '0'],
      ['333333333.33333329', '333333333.3333333'],
      ['4.50', '4.5'],
      ['2e-3', '0.002'],
      ['1E30', '1e+30'],
      ['0.000000000000000000000000001', '1e-27'],
      ['123', '123'],
      ['-1.5', '-1.5'],
      ['0.1', '0.1'],
      ['1.0', '1'],
    ])('writes the JSON number %s as %s', (text, expected) => {
      expect(canonicalJson(JSON.parse(text))).toBe(expected)
    })

    it('writes -0 as 0 inside structures too', () => {
      expect(canonicalJson({ a: -0, b: [-0] })).toBe('{"a":0,"b":[0]}')
    })

    it.each([
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['-Infinity', Number.NEGATIVE_INFINITY],
      ['the NaN of Appendix B', fromBits('7fffffffffffffff')],
      ['the Infinity of Appendix B', fromBits('7ff0000000000000')],
    ])('refuses %s', (_label, value) => {
      expect(errorOf({ price: [1, value] }).path).toBe('$.price[1]')
    })
  })

  describe('strings', () => {
    // RFC 8785 section 3.2.2.2: only ", \ and U+0000 to U+001F are escaped, the latter as the short forms
    // where JSON has them and as lowercase \u00xx otherwise.
    it.each([
      ['\u0000', String.raw`"\u0000"`],
      ['\u0001', String.raw`"\u0001"`],
      ['\u000b', String.raw`"\u000b"`],
      ['\u001f', String.raw`"\u001f"`],
      ['\u001F\u000E', String.raw`"\u001f\u000e"`],
      ['\b', String.raw`"\b"`],
      ['\f', String.raw`"\f"`],
      ['\n', String.raw`"\n"`],
      ['\r', String.raw`"\r"`],
      ['\t', String.raw`"\t"`],
      ['"', String.raw`"\""`],
      ['\\', String.raw`"\\"`],
      ['/', '"/"'],
      ['\u007f', '"\u007f"'],
      ['\u0080', '"\u0080"'],
      ['\u2028\u2029', '"\u2028\u2029"'],
      ['<script>&</script>', '"<script>&</script>"'],
      ['café €', '"café €"'],
      ['\ud83d\ude00', '"\ud83d\ude00"'],
      ['\ufeff', '"\ufeff"'],
      ["it's", `"it's"`],
    ])('writes %j as %s', (value, expected) => {
      expect(canonicalJson(value)).toBe(expected)
    })

    it('does not normalise Unicode', () => {
      expect(canonicalJson('e\u0301')).toBe('"e\u0301"')
      expect(canonicalJson('\u00e9')).toBe('"\u00e9"')
    })

    it.each([
      ['a lone high surrogate', '\ud800'],
      ['a lone low surrogate', '\udc00'],
      ['a reversed pair', '\ude00\ud83d'],
      ['a high surrogate at the end', 'abc\ud83d'],
    ])('refuses %s in a value', (_label, value) => {
      expect(errorOf({ name: value }).path).toBe('$.name')
      expect(errorOf(value).path).toBe('$')
    })

    it('refuses a lone surrogate in a member name, and names it in the path', () => {
      const error = errorOf({ ok: 1, '\ud800': 1 })
      expect(error.path).toBe(String.raw`$["\ud800"]`)
    })
  })

  describe('objects', () => {
    // RFC 8785 section 3.2.3's example: names sorted by their UTF-16 code units.
    it('sorts member names by UTF-16 code units, as in RFC 8785', () => {
      const input = JSON.parse(String.raw`{
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\ud83d\ude00": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis"
      }`)
      expect(canonicalJson(input)).toBe(
        `{${[
          String.raw`"\r":"Carriage Return"`,
          '"1":"One"',
          '"\u0080":"Control"',
          '"\u00f6":"Latin Small Letter O With Diaeresis"',
          '"\u20ac":"Euro Sign"',
          '"\ud83d\ude00":"Emoji: Grinning Face"',
          '"\ufb33":"Hebrew Letter Dalet With Dagesh"',
        ].join(',')}}`,
      )
    })

    it('sorts integer-like names as strings, not in the order JavaScript enumerates them', () => {
      expect(canonicalJson({ b: 1, a: 2, B: 3, 10: 4, 9: 5, '': 6 })).toBe(
        '{"":6,"10":4,"9":5,"B":3,"a":2,"b":1}',
      )
    })

    it('sorts a prefix before the longer name', () => {
      expect(canonicalJson({ ab: 1, a: 2, abc: 3 })).toBe('{"a":2,"ab":1,"abc":3}')
    })

    it('sorts nested objects and keeps array order', () => {
      const value = { z: [{ y: 1, x: 2 }, 3, [{ b: null, a: true }]], a: { d: {}, c: [] } }
      expect(canonicalJson(value)).toBe('{"a":{"c":[],"d":{}},"z":[{"x":2,"y":1},3,[{"a":true,"b":null}]]}')
    })

    it('escapes member names as strings', () => {
      expect(canonicalJson({ 'a"b': 1, '\n': 2 })).toBe(String.raw`{"\n":2,"a\"b":1}`)
    })

    it('writes the same text for the same data built in a different order', () => {
      const first = { name: 'Apple', price: 0.5, tags: ['red', 'fruit'], stock: { kept: 3, sold: 1 } }
      const second = { stock: { sold: 1, kept: 3 }, tags: ['red', 'fruit'], price: 0.5, name: 'Apple' }
      expect(canonicalJson(first)).toBe(canonicalJson(second))
      expect(canonicalJson(first)).toBe(
        '{"name":"Apple","price":0.5,"stock":{"kept":3,"sold":1},"tags":["red","fruit"]}',
      )
    })

    it('writes a shared, non-cyclic object each time it appears', () => {
      const shared = { x: 1 }
      expect(canonicalJson({ a: shared, b: shared, c: [shared, shared] })).toBe(
        '{"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":1}]}',
      )
    })

    it('writes an object with a null prototype', () => {
      const value = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 })
      expect(canonicalJson(value)).toBe('{"a":2,"b":1}')
    })
  })

  describe('toJSON', () => {
    it('writes a Date as its ISO string', () => {
      expect(canonicalJson({ at: new Date(Date.UTC(1994, 10, 6, 8, 49, 37)) })).toBe(
        '{"at":"1994-11-06T08:49:37.000Z"}',
      )
    })

    it('writes what a custom toJSON returns', () => {
      const money = { amount: 150, currency: 'EUR', toJSON: () => ({ currency: 'EUR', cents: 150 }) }
      expect(canonicalJson([money])).toBe('[{"cents":150,"currency":"EUR"}]')
    })

    it('refuses a toJSON that returns undefined', () => {
      expect(errorOf({ a: { toJSON: () => undefined } }).path).toBe('$.a')
    })

    // ECMA-262 SerializeJSONProperty calls toJSON once and serialises its result as it is.
    it('refuses, without overflowing the stack, a toJSON that returns its own object', () => {
      const selfish = {
        toJSON() {
          return this
        },
      }
      // Its object is then written as it is, and its toJSON member is a function, which is not JSON.
      expect(errorOf({ a: selfish }).path).toBe('$.a.toJSON')
    })

    it('applies toJSON once, not again to what it returns', () => {
      expect(errorOf({ toJSON: () => ({ toJSON: () => 1 }) }).path).toBe('$.toJSON')
    })

    it('applies toJSON to the members of what toJSON returns', () => {
      expect(canonicalJson({ toJSON: () => ({ at: new Date(0) }) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}')
    })
  })

  describe('values that are not JSON', () => {
    const holey: unknown[] = [1]
    holey[2] = 3
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    const cyclicArray: unknown[] = [1]
    cyclicArray.push(cyclicArray)
    const deepCycle: { a: { b: Record<string, unknown> } } = { a: { b: {} } }
    deepCycle.a.b.c = [deepCycle]

    it.each<{ label: string; value: unknown; path: string }>([
      { label: 'undefined at the top level', value: undefined, path: '$' },
      { label: 'undefined in an object', value: { a: undefined }, path: '$.a' },
      { label: 'undefined in an array', value: [1, undefined], path: '$[1]' },
      { label: 'undefined deep inside', value: { a: [1, { b: undefined }] }, path: '$.a[1].b' },
      { label: 'an array hole', value: holey, path: '$[1]' },
      { label: 'a function', value: { f: () => 1 }, path: '$.f' },
      { label: 'a symbol', value: { s: Symbol('s') }, path: '$.s' },
      { label: 'a BigInt', value: { n: 1n }, path: '$.n' },
      { label: 'a BigInt at the top level', value: 10n, path: '$' },
      { label: 'a cycle through an object', value: cyclic, path: '$.self' },
      { label: 'a cycle through an array', value: cyclicArray, path: '$[1]' },
      { label: 'a cycle several levels deep', value: deepCycle, path: '$.a.b.c[0]' },
      { label: 'a Map', value: { m: new Map([['a', 1]]) }, path: '$.m' },
      { label: 'an empty Map', value: new Map(), path: '$' },
      { label: 'a Set', value: { s: [new Set([1])] }, path: '$.s[0]' },
      {
        label: 'a member whose name is not an identifier',
        value: { 'price-eur': undefined },
        path: '$["price-eur"]',
      },
      {
        label: 'a member whose name starts with a digit',
        value: { items: { '2x': undefined } },
        path: '$.items["2x"]',
      },
    ])('refuses $label, at $path', ({ value, path }) => {
      const error = errorOf(value)
      expect(error).toBeInstanceOf(Error)
      expect(error.name).toBe('CanonicalJsonError')
      expect(error.path).toBe(path)
      expect(error.message.startsWith(`${path}: `)).toBe(true)
    })
  })

  describe('nesting', () => {
    it('accepts nesting up to MAX_NESTING_DEPTH', () => {
      const text = canonicalJson(nested(MAX_NESTING_DEPTH))
      expect(text).toBe(`${'['.repeat(MAX_NESTING_DEPTH)}${']'.repeat(MAX_NESTING_DEPTH)}`)
    })

    it('refuses nesting one level beyond MAX_NESTING_DEPTH', () => {
      const error = errorOf(nested(MAX_NESTING_DEPTH + 1))
      expect(error.path).toBe(`$${'[0]'.repeat(MAX_NESTING_DEPTH)}`)
    })

    it('refuses deep objects as well as arrays', () => {
      let value: Record<string, unknown> = {}
      for (let level = 1; level <= MAX_NESTING_DEPTH; level++) value = { a: value }
      expect(errorOf(value).path).toBe(`$${'.a'.repeat(MAX_NESTING_DEPTH)}`)
    })

    it('refuses 100 000 levels with a CanonicalJsonError, not a stack overflow', () => {
      expect(errorOf(nested(100_000))).toBeInstanceOf(CanonicalJsonError)
    })
  })
})
