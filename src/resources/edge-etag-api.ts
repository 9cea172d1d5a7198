/**
 * EdgeEtagApi: this API's resources and their document types, for createClient<EdgeEtagApi>(). The types come
 * from the resources' own declarations (type-only imports, erased at runtime), so a schema change shows up in
 * the client's types at once. A forker who adds a resource adds its line here.
 */

import type { JsonObject } from '../../client/index.ts'
import type { Task } from './tasks.ts'

/**
 * EdgeEtagApi maps each resource's name (its path under /api/) to the type of its documents.
 *
 * @example const tasks = createClient<EdgeEtagApi>({ baseUrl }).resource('tasks') // ResourceClient<Task>
 */
export interface EdgeEtagApi {
  items: JsonObject
  tasks: Task
}
