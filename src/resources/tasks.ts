/**
 * tasks: the demo's resource with a schema, at /api/tasks (see src/index.ts). The worked example of the
 * README's "Add a resource": a schema, one declaration, one mount line.
 */

import { z } from 'zod'
import { jsonResource } from '../json-resource/index.ts'

// Messages in JSON's terms: a missing member is "required", not "undefined".
const expected = (what: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? 'Required' : `Must be ${what}`),
})

// Characters, not UTF-16 code units: an emoji counts once, as JSON Schema's maxLength counts (which `meta`
// states in the OpenAPI document, since a refinement cannot describe itself).
const characters = (min: number, max: number) =>
  z
    .string(expected('a string'))
    .refine((text) => [...text].length >= min && [...text].length <= max, {
      message: `Must be ${min} to ${max} characters`,
    })
    .meta({ minLength: min, maxLength: max })

// A real calendar date: 2024-02-29 is one, 2023-02-29 is not (Date rolls it over to March 1st). Checked only
// once the pattern holds, so that one bad date is one error.
const isCalendarDate = (text: string) => {
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text
}
const calendarDate = z
  .string(expected('a date, YYYY-MM-DD'))
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Must be a date, YYYY-MM-DD')
  .refine(isCalendarDate, {
    message: 'Must be a real calendar date',
    when: (check) => check.issues.length === 0,
  })
  .meta({ format: 'date' })

/** taskSchema: a title, whether it is done, an optional due date and up to 10 distinct tags; nothing else. */
export const taskSchema = z.strictObject({
  title: characters(1, 200),
  done: z.boolean(expected('true or false')),
  due: calendarDate.optional(),
  tags: z
    .array(characters(1, 32), expected('an array of strings'))
    .max(10, 'At most 10 tags')
    .superRefine((tags, context) => {
      tags.forEach((tag, index) => {
        if (tags.indexOf(tag) !== index) {
          context.addIssue({ code: 'custom', message: `Repeats the tag "${tag}"`, path: [index] })
        }
      })
    })
    // Refinements cannot describe themselves; `meta` states them in the OpenAPI document.
    .meta({ uniqueItems: true })
    .optional(),
})

/** Task is a stored task, as taskSchema outputs it: the document type the typed client hands out. */
export type Task = z.output<typeof taskSchema>

/**
 * tasks serves documents that pass taskSchema; anything else is a 422 naming each problem. Its pages answer
 * `?done=false`, `?tags=home`, `?sort=due` (or `-due`) and `?done=false&sort=due`, each from its own index.
 */
export const tasks = jsonResource({
  name: 'tasks',
  schema: taskSchema,
  indexes: [
    { where: 'done' },
    { where: 'tags', each: true },
    { sort: 'due' },
    { where: 'done', sort: 'due' },
  ],
})
