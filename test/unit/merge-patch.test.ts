import { describe, expect, it } from 'vitest'
import { applyMergePatch } from '../../src/http/merge-patch.ts'

// A value nested `levels` objects deep under the member "n", built without recursion: nestedObject(2, x) is
// { n: { n: x } }.
function nestedObject(levels: number, innermost: unknown): unknown {
  let value = innermost
  for (let level = 0; level < levels; level++) value = { n: value }
  return value
}

describe('applyMergePatch', () => {
  // RFC 7396 Appendix A, row by row, as JSON text exactly as the RFC's table gives it.
  it.each([
    { target: '{"a":"b"}', patch: '{"a":"c"}', want: '{"a":"c"}' },
    { target: '{"a":"b"}', patch: '{"b":"c"}', want: '{"a":"b","b":"c"}' },
    { target: '{"a":"b"}', patch: '{"a":null}', want: '{}' },
    { target: '{"a":"b","b":"c"}', patch: '{"a":null}', want: '{"b":"c"}' },
    { target: '{"a":["b"]}', patch: '{"a":"c"}', want: '{"a":"c"}' },
    { target: '{"a":"c"}', patch: '{"a":["b"]}', want: '{"a":["b"]}' },
    { target: '{"a":{"b":"c"}}', patch: '{"a":{"b":"d","c":null}}', want: '{"a":{"b":"d"}}' },
    { target: '{"a":[{"b":"c"}]}', patch: '{"a":[1]}', want: '{"a":[1]}' },
    { target: '["a","b"]', patch: '["c","d"]', want: '["c","d"]' },
    { target: '{"a":"b"}', patch: '["c"]', want: '["c"]' },
    { target: '{"a":"foo"}', patch: 'null', want: 'null' },
    { target: '{"a":"foo"}', patch: '"bar"', want: '"bar"' },
    { target: '{"e":null}', patch: '{"a":1}', want: '{"e":null,"a":1}' },
    { target: '[1,2]', patch: '{"a":"b","c":null}', want: '{"a":"b"}' },
    { target: '{}', patch: '{"a":{"bb":{"ccc":null}}}', want: '{"a":{"bb":{}}}' },
  ])('applies the RFC 7396 example $patch to $target', ({ target, patch, want }) => {
    expect(applyMergePatch(JSON.parse(target), JSON.parse(patch))).toEqual(JSON.parse(want))
  })

  // RFC 7396 section 3: the worked example of a document and a patch that changes, adds and removes.
  it('applies the RFC 7396 section 3 example', () => {
    const target = {
      title: 'Goodbye!',
      author: { givenName: 'John', familyName: 'Doe' },
      tags: ['example', 'sample'],
      content: 'This will be unchanged',
    }
    const patch = {
      title: 'Hello!',
      phoneNumber: '+01-123-456-7890',
      author: { familyName: null },
      tags: ['example'],
    }
    expect(applyMergePatch(target, patch)).toEqual({
      title: 'Hello!',
      author: { givenName: 'John' },
      tags: ['example'],
      content: 'This will be unchanged',
      phoneNumber: '+01-123-456-7890',
    })
  })

  it.each([
    { label: 'a string', target: '"text"' },
    { label: 'a number', target: '42' },
    { label: 'true', target: 'true' },
    { label: 'null', target: 'null' },
    { label: 'an array', target: '[{"a":1}]' },
  ])('turns a target that is $label into an object', ({ target }) => {
    expect(applyMergePatch(JSON.parse(target), { a: 1, b: null })).toEqual({ a: 1 })
  })

  it.each([
    { label: 'an array of nulls', patch: [null, { a: null }] },
    { label: 'a string', patch: 'x' },
    { label: 'zero', patch: 0 },
    { label: 'false', patch: false },
  ])('returns a patch that is $label as the whole new document, unchanged', ({ patch }) => {
    expect(applyMergePatch({ a: 1 }, patch)).toEqual(patch)
  })

  it('keeps a null that a patch nests inside an array', () => {
    expect(applyMergePatch({ a: [1] }, { a: [null, { b: null }] })).toEqual({ a: [null, { b: null }] })
  })

  it('treats an empty patch object as changing nothing', () => {
    expect(applyMergePatch({ a: { b: [1, 2] }, c: null }, {})).toEqual({ a: { b: [1, 2] }, c: null })
  })

  it('does not change its target or its patch', () => {
    const target = { a: 'b', c: { d: 'e', f: 'g' }, list: [1, { x: 1 }], gone: 1 }
    const patch = { a: 'z', c: { f: null, h: { i: 1 } }, list: [2], gone: null, added: { j: null } }
    const [targetBefore, patchBefore] = [structuredClone(target), structuredClone(patch)]

    const result = applyMergePatch(target, patch)

    expect(result).toEqual({ a: 'z', c: { d: 'e', h: { i: 1 } }, list: [2], added: {} })
    expect(target).toEqual(targetBefore)
    expect(patch).toEqual(patchBefore)
    expect(result).not.toBe(target)
  })

  it('merges a patch into a target when both are frozen', () => {
    const target = Object.freeze({ a: Object.freeze({ b: 1, c: 2 }) })
    const patch = Object.freeze({ a: Object.freeze({ c: null, d: 3 }) })
    expect(applyMergePatch(target, patch)).toEqual({ a: { b: 1, d: 3 } })
  })

  describe('a member named "__proto__"', () => {
    it('stays an own data member of the result and leaves its prototype alone', () => {
      const patch = JSON.parse('{"__proto__":{"x":1}}')

      const result = applyMergePatch({ a: 1 }, patch) as Record<string, unknown>

      expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
      expect(Object.hasOwn(result, '__proto__')).toBe(true)
      expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({ x: 1 })
      expect(result.x).toBeUndefined()
      expect(JSON.stringify(result)).toBe('{"a":1,"__proto__":{"x":1}}')
    })

    it('merges into a target\'s own "__proto__" member', () => {
      const target = JSON.parse('{"__proto__":{"x":1,"y":2}}')
      const patch = JSON.parse('{"__proto__":{"y":null,"z":3}}')

      const result = applyMergePatch(target, patch) as Record<string, unknown>

      expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
      expect(JSON.stringify(result)).toBe('{"__proto__":{"x":1,"z":3}}')
    })

    it('is removed by a null like any other member', () => {
      const target = JSON.parse('{"__proto__":{"x":1},"a":1}')

      const result = applyMergePatch(target, JSON.parse('{"__proto__":null}')) as Record<string, unknown>

      expect(Object.hasOwn(result, '__proto__')).toBe(false)
      expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
      expect(JSON.stringify(result)).toBe('{"a":1}')
    })

    it('pollutes no other object', () => {
      applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":true},"a":{"__proto__":{"polluted":true}}}'))
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false)
    })
  })

  it('merges a deeply nested patch all the way down', () => {
    const target = nestedObject(200, { keep: 1, change: 2, drop: 3 })
    const patch = nestedObject(200, { change: 'two', drop: null, add: [4] })
    expect(applyMergePatch(target, patch)).toEqual(nestedObject(200, { keep: 1, change: 'two', add: [4] }))
  })

  it('builds the missing levels of a deeply nested patch, dropping its nulls', () => {
    const patch = nestedObject(50, { a: 1, b: null })
    expect(applyMergePatch({ other: true }, patch)).toEqual({
      other: true,
      ...(nestedObject(50, { a: 1 }) as object),
    })
  })
})
