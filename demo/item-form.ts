/**
 * The item form: any JSON object, edited as text.
 */

import { byId } from './dom.ts'
import { prettyJson } from './format.ts'
import type { DocumentValue } from './resources.ts'

/**
 * fillItemForm shows `item` in the textarea, members sorted as the server stores them.
 *
 * @example fillItemForm({ name: 'Apple', price: 0.5 })
 */
export function fillItemForm(item: DocumentValue): void {
  byId('item-json', HTMLTextAreaElement).value = prettyJson(item)
}

/**
 * readItemForm returns the object the textarea holds, or a sentence saying why it is not one.
 *
 * @example readItemForm() // { value: { name: 'Apple' } } or { problem: 'Not JSON: ...' }
 */
export function readItemForm(): { value: DocumentValue } | { problem: string } {
  let value: unknown
  try {
    value = JSON.parse(byId('item-json', HTMLTextAreaElement).value)
  } catch (error) {
    return { problem: `Not JSON: ${error instanceof Error ? error.message : String(error)}` }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problem: 'An item is a JSON object: {"name": "..."}' }
  }
  return { value: value as DocumentValue }
}
