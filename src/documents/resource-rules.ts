/**
 * The rules of each declared resource, by name. A document's writer object is told only the resource's
 * name; it finds here the schema that a PATCH result must pass, so that a merge and its check commit
 * atomically in the object.
 */

import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { CollectionIndex } from './collection-index.ts'
import { isResourceName } from './names.ts'

/** ResourceRules are what a resource's declaration says about the documents it accepts. */
export interface ResourceRules {
  /** The resource's name: its path segment in the demo, its KV key prefix, its writer objects' prefix. */
  readonly name: string
  /** A Standard Schema every stored document must pass; without one, any JSON object is accepted. */
  readonly schema?: StandardSchemaV1 | undefined
  /** The indexes pages may be queried by; their entries are written with each document. */
  readonly indexes: readonly CollectionIndex[]
}

const declared = new Map<string, ResourceRules>()

/**
 * declareResource records a resource's rules, and returns them. It throws at startup, not at request time, when the name is
 * not a valid resource name or is already taken: two resources sharing a name would share their documents.
 *
 * @example declareResource({ name: 'tasks', schema: taskSchema, indexes: [] })
 */
export function declareResource(rules: ResourceRules): ResourceRules {
  if (!isResourceName(rules.name)) {
    throw new Error(
      `Resource name ${JSON.stringify(rules.name)} is invalid: use a lowercase letter, then up to 62 lowercase letters, digits and hyphens`,
    )
  }
  if (declared.has(rules.name)) throw new Error(`Resource "${rules.name}" is declared twice`)
  declared.set(rules.name, rules)
  return rules
}

/**
 * rulesOf returns the rules of a declared resource, or null when no resource has that name.
 *
 * @example rulesOf('tasks')?.schema
 */
export function rulesOf(name: string): ResourceRules | null {
  return declared.get(name) ?? null
}
