/**
 * JSON Schemas (draft 2020-12, the dialect of OpenAPI 3.1) for a resource's documents, from its Standard
 * Schema: zod, valibot and arktype implement Standard JSON Schema, so a declaration's schema describes itself.
 */

import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec'

/** JsonSchema is a JSON Schema as a plain object. */
export type JsonSchema = Record<string, unknown>

/** ANY_OBJECT is what a resource without a schema accepts: any JSON object. */
export const ANY_OBJECT: JsonSchema = { type: 'object' }

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
