/**
 * The two resources the page edits, as the client serves them, seen by the page as plain JSON objects.
 */

import type { Client, JsonObject, ResourceClient } from '../client/index.ts'

/** ResourceName names a resource the page lists and edits. */
export type ResourceName = 'items' | 'tasks'

/** RESOURCE_NAMES are the resources the page shows, in the order it lists them. */
export const RESOURCE_NAMES: readonly ResourceName[] = ['items', 'tasks']

/** DocumentValue is a document as the page handles it: a JSON object. */
export type DocumentValue = JsonObject

/**
 * DemoApi is the API as the page sees it: every document a JSON object. The page does not use the client's
 * EdgeEtagApi, whose Task type comes from the worker's source (src/resources/tasks.ts), which only type-checks
 * with the Workers types, and those clash with the DOM's. What a task may hold is the server's to check (a 422
 * names each problem), and the task form only ever builds task-shaped values.
 */
export type DemoApi = Record<ResourceName, JsonObject>

/**
 * resourceOf returns the client of one resource, typed as JSON objects.
 *
 * @example const { value } = await resourceOf(client, 'tasks').get('buy-milk')
 */
export function resourceOf(client: Client<DemoApi>, name: ResourceName): ResourceClient<DocumentValue> {
  return client.resource(name)
}

/**
 * newDocument returns what a freshly created document of `resource` holds: a task to do with that title, or an
 * item with that name.
 *
 * @example newDocument('tasks', 'Walk the dog') // { title: 'Walk the dog', done: false }
 */
export function newDocument(resource: ResourceName, title: string): DocumentValue {
  return resource === 'tasks' ? { title, done: false } : { name: title }
}
