/**
 * The task form: a task (title, done, due YYYY-MM-DD, tags) into the form's fields and back.
 */

import { byId } from './dom.ts'
import type { DocumentValue } from './resources.ts'

/**
 * fillTaskForm shows `task` in the form.
 *
 * @example fillTaskForm({ title: 'Buy milk', done: false, due: '2026-12-01', tags: ['home'] })
 */
export function fillTaskForm(task: DocumentValue): void {
  byId('task-title', HTMLInputElement).value = typeof task.title === 'string' ? task.title : ''
  byId('task-done', HTMLInputElement).checked = task.done === true
  byId('task-due', HTMLInputElement).value = typeof task.due === 'string' ? task.due : ''
  byId('task-tags', HTMLInputElement).value = Array.isArray(task.tags) ? task.tags.join(', ') : ''
}

/**
 * readTaskForm returns the task the form shows. An empty due date or tag list is left out rather than sent
 * empty, as the schema has both optional.
 *
 * @example readTaskForm() // { title: 'Buy milk', done: true, tags: ['home'] }
 */
export function readTaskForm(): DocumentValue {
  const task: DocumentValue = {
    title: byId('task-title', HTMLInputElement).value.trim(),
    done: byId('task-done', HTMLInputElement).checked,
  }
  const due = byId('task-due', HTMLInputElement).value
  if (due !== '') task.due = due
  const tags = byId('task-tags', HTMLInputElement)
    .value.split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '')
  if (tags.length > 0) task.tags = tags
  return task
}
