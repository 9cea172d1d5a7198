import { describe, expect, it } from 'vitest'
import { hoisted } from '../../src/openapi/json-schemas.ts'

describe('hoisted', () => {
  it.each([
    {
      case: 'a reference to the whole schema (recursion)',
      schema: { type: 'array', items: { $ref: '#' } },
      want: { root: { type: 'array', items: { $ref: '#/components/schemas/Node' } }, definitions: {} },
    },
    {
      case: 'a named part, moved out and referred to there',
      schema: { properties: { title: { $ref: '#/$defs/Title' } }, $defs: { Title: { type: 'string' } } },
      want: {
        root: { properties: { title: { $ref: '#/components/schemas/Node.Title' } } },
        definitions: { 'Node.Title': { type: 'string' } },
      },
    },
    {
      case: 'a part that refers to itself and to the whole',
      schema: { $ref: '#/$defs/Part', $defs: { Part: { anyOf: [{ $ref: '#/$defs/Part' }, { $ref: '#' }] } } },
      want: {
        root: { $ref: '#/components/schemas/Node.Part' },
        definitions: {
          'Node.Part': {
            anyOf: [{ $ref: '#/components/schemas/Node.Part' }, { $ref: '#/components/schemas/Node' }],
          },
        },
      },
    },
    {
      case: 'an escaped name (RFC 6901), made a valid component name',
      schema: { $ref: '#/$defs/a~1b%20c', $defs: { 'a/b c': { type: 'integer' } } },
      want: {
        root: { $ref: '#/components/schemas/Node.a_b_c' },
        definitions: { 'Node.a_b_c': { type: 'integer' } },
      },
    },
    {
      case: 'members named like keywords, which are schemas all the same',
      schema: { properties: { default: { $ref: '#' }, $ref: { type: 'string' } } },
      want: {
        root: { properties: { default: { $ref: '#/components/schemas/Node' }, $ref: { type: 'string' } } },
        definitions: {},
      },
    },
    {
      case: 'data that looks like a reference, left as it is',
      schema: { const: { $ref: '#' }, default: { $ref: '#/$defs/x' }, examples: [{ $ref: '#' }] },
      want: {
        root: { const: { $ref: '#' }, default: { $ref: '#/$defs/x' }, examples: [{ $ref: '#' }] },
        definitions: {},
      },
    },
    {
      case: 'a reference elsewhere, left as it is',
      schema: { $ref: 'https://example.com/schema.json#/$defs/x' },
      want: { root: { $ref: 'https://example.com/schema.json#/$defs/x' }, definitions: {} },
    },
  ])('rebases $case', ({ schema, want }) => {
    expect(hoisted(schema, 'Node')).toEqual(want)
  })
})
