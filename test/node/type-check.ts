/**
 * Type-checks a throwaway project with the project's own tsc. TypeScript 7 (tsgo) has no JS API to ask, so
 * the files are written to a temporary folder and `tsc --noEmit -p` runs on it.
 */

import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const TSC = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc')

// As strict as the project's own tsconfig, and the generated .d.ts is checked too (no skipLibCheck).
const COMPILER_OPTIONS = {
  target: 'es2024',
  lib: ['es2024'],
  module: 'esnext',
  moduleResolution: 'bundler',
  types: [],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  noEmit: true,
}

/** TscError is one error tsc reports: where, and what. */
export interface TscError {
  readonly file: string
  readonly line: number
  readonly message: string
}

/**
 * typeErrorsOf type-checks `files` (name to source) as one strict project and returns tsc's errors, none when
 * every file type-checks. It throws when tsc fails without reporting an error (it could not start, say).
 *
 * @example typeErrorsOf({ 'a.ts': 'export const n: number = "one"' }) // [{ file: 'a.ts', line: 1, message: 'error TS2322: ...' }]
 */
export function typeErrorsOf(files: Readonly<Record<string, string>>): TscError[] {
  const folder = mkdtempSync(join(tmpdir(), 'edge-etag-types-'))
  try {
    for (const [name, source] of Object.entries(files)) writeFileSync(join(folder, name), source)
    const tsconfig = { compilerOptions: COMPILER_OPTIONS, files: Object.keys(files) }
    writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify(tsconfig))
    const run = spawnSync(process.execPath, [TSC, '-p', '.', '--pretty', 'false'], {
      cwd: folder,
      encoding: 'utf8',
      timeout: 60_000,
    })
    const errors = [...run.stdout.matchAll(/^(.+?)\((\d+),\d+\): (error .*)$/gm)].map(
      ([, file, line, message]) => ({ file: file ?? '', line: Number(line), message: message ?? '' }),
    )
    if (run.status !== 0 && errors.length === 0) {
      throw new Error(`tsc -p ${folder} exited with ${run.status}: ${run.stderr}${run.stdout}`)
    }
    return errors
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}
