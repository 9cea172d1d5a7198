/**
 * JSON Schemas (draft 2020-12, the dialect of OpenAPI 3.1) for a resource's documents, from its Standard
 * Schema: zod, valibot and arktype implement Standard JSON Schema, so a declaration's schema describes itself.
 */

import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec'

/** JsonSchema is a JSON Schema as a plain object. */
export type JsonSchema = Record<string, unknown>

/**
 * ANY_OBJECT is what a resource without a schema accepts: any JSON object. JSON Schema already allows any
 * members without `additionalProperties`; saying so lets type generators (openapi-typescript) agree, where
 * they read a bare object as one with no members.
 */
export const ANY_OBJECT: JsonSchema = { type: 'object', additionalProperties: true }

function convertsToJsonSchema(schema: StandardSchemaV1): schema is StandardSchemaV1 & StandardJSONSchemaV1 {
  const converter = (schema['~standard'] as Partial<StandardJSONSchemaV1['~standard']>).jsonSchema
  return typeof converter?.input === 'function' && typeof converter.output === 'function'
}

/**
 * documentSchemaOf returns the JSON Schema of what a resource accepts (`input`, the body of a PUT) or stores
 * and serves (`output`, after defaults and transforms), or ANY_OBJECT when there is no schema or it cannot
 * state itself. Checks only code can make (a refinement) are not in it: the 422 still applies them.
 *
 * @example documentSchemaOf(taskSchema, 'output') // { type: 'object', properties: { title: ... }, ... }
 */
export function documentSchemaOf(schema: StandardSchemaV1 | undefined, side: 'input' | 'output'): JsonSchema {
  if (schema === undefined || !convertsToJsonSchema(schema)) return ANY_OBJECT
  try {
    const { $schema: _dialect, ...converted } = schema['~standard'].jsonSchema[side]({
      target: 'draft-2020-12',
    })
    return converted
  } catch {
    // A schema the library cannot translate (a custom type, say) is still enforced; it is only undescribed.
    return ANY_OBJECT
  }
}

// Keywords whose values are data, not schemas: a `$ref` member in them is a value, never a reference.
const DATA_KEYWORDS: ReadonlySet<string> = new Set(['const', 'enum', 'default', 'examples', 'example'])
// Keywords whose members are named schemas: a member named `default` or `$ref` there is a schema all the same.
const NAMED_SCHEMAS: ReadonlySet<string> = new Set([
  'properties',
  'patternProperties',
  'dependentSchemas',
  '$defs',
])

const SCHEMAS = '#/components/schemas/'
const DEFINITIONS = '#/$defs/'

// RFC 6901 section 4 and RFC 3986: a pointer token in a URI fragment is percent-encoded, `/` and `~` escaped.
const pointerToken = (token: string) => decodeURIComponent(token).replaceAll('~1', '/').replaceAll('~0', '~')

/** HoistedSchema is a schema with its `$defs` taken out as components of their own. */
export interface HoistedSchema {
  readonly root: JsonSchema
  readonly definitions: Record<string, JsonSchema>
}

/**
 * hoisted returns `schema`, to be the component `name`, with each of its `$defs` (which zod writes for a
 * recursive or named part) as a component of its own, `<name>.<def>`, and its local references (`#`,
 * `#/$defs/<def>`) pointed at those components: a $ref resolves against the whole OpenAPI document, not the
 * schema it sits in, and openapi-typescript would make `$defs` left in place a member of the document type.
 *
 * @example hoisted({ items: { $ref: '#' } }, 'NodeDocument').root // { items: { $ref: '#/components/schemas/NodeDocument' } }
 */
export function hoisted(schema: JsonSchema, name: string): HoistedSchema {
  const { $defs, ...root } = schema
  const componentOf = (definition: string) => `${name}.${definition.replace(/[^A-Za-z0-9._-]/g, '_')}`
  const target = (ref: string) => {
    if (!ref.startsWith(DEFINITIONS)) return `${SCHEMAS}${name}${ref.slice(1)}`
    const [definition = '', ...within] = ref.slice(DEFINITIONS.length).split('/')
    return `${SCHEMAS}${[componentOf(pointerToken(definition)), ...within].join('/')}`
  }
  const rebased = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rebased)
    if (typeof value !== 'object' || value === null) return value
    return Object.fromEntries(
      Object.entries(value).map(([keyword, member]) => {
        if (keyword === '$ref' && typeof member === 'string' && member.startsWith('#')) {
          return [keyword, target(member)]
        }
        if (DATA_KEYWORDS.has(keyword)) return [keyword, member]
        if (NAMED_SCHEMAS.has(keyword)) return [keyword, rebasedEach(member)]
        return [keyword, rebased(member)]
      }),
    )
  }
  const rebasedEach = (named: unknown): Record<string, JsonSchema> =>
    typeof named === 'object' && named !== null
      ? Object.fromEntries(Object.entries(named).map(([key, part]) => [key, rebased(part) as JsonSchema]))
      : {}
  const definitions = Object.entries(rebasedEach($defs)).map(([key, part]) => [componentOf(key), part])
  return { root: rebased(root) as JsonSchema, definitions: Object.fromEntries(definitions) }
}

/**
 * mergePatchSchemaOf returns the schema of a JSON Merge Patch (RFC 7396) of documents of `schema`: the same
 * members, none required, and each optional one also null (which removes it; removing a required one is a 422).
 *
 * @example mergePatchSchemaOf({ type: 'object', properties: { done: { type: 'boolean' } }, required: ['done'] })
 * // { type: 'object', properties: { done: { type: 'boolean' } } }
 */
export function mergePatchSchemaOf(schema: JsonSchema): JsonSchema {
  const { required: requiredNames, properties, ...rest } = schema
  if (typeof properties !== 'object' || properties === null) return rest
  const required = new Set(Array.isArray(requiredNames) ? requiredNames : [])
  const nullable = Object.fromEntries(
    Object.entries(properties).map(([name, member]) => [
      name,
      required.has(name) ? member : { anyOf: [member, { type: 'null' }] },
    ]),
  )
  return { ...rest, properties: nullable }
}
