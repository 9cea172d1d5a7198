/**
 * A tiny runner for the end-to-end scripts: one line per check, then "N passed, M failed", and a non-zero exit
 * code when anything failed or the whole run overran its time.
 */

/** Check is one named assertion; it throws to fail and may return a detail to print after its name. */
export type Check = () => Promise<string | undefined>

/** Checks counts passes and failures and prints each check as it ends. */
export class Checks {
  #passed = 0
  #failed = 0

  /**
   * run runs one check and prints "ok <name>" or "FAIL <name>: <why>"; it returns whether the check passed.
   *
   * @example
   * await checks.run('GET answers 200', async () => { assert.equal((await fetch(url)).status, 200) })
   */
  async run(name: string, check: Check): Promise<boolean> {
    try {
      const detail = await check()
      this.#passed++
      console.log(`ok   ${name}${detail === undefined ? '' : ` (${detail})`}`)
      return true
    } catch (error) {
      this.#failed++
      console.log(`FAIL ${name}: ${oneLine(error)}`)
      return false
    }
  }

  /** fail counts a failure that happened outside any check, such as a server that did not start. */
  fail(name: string, error: unknown): void {
    this.#failed++
    console.log(`FAIL ${name}: ${oneLine(error)}`)
  }

  /** finish prints the final "N passed, M failed" line and sets the exit code. */
  finish(): void {
    console.log(`${this.#passed} passed, ${this.#failed} failed`)
    process.exitCode = this.#failed === 0 && this.#passed > 0 ? 0 : 1
  }
}

// node:assert spreads its diffs over many lines; a report keeps one line per check.
function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ')
}

/**
 * exitAfter ends the process with code 1 after `ms`, so a hung server or browser cannot hold a run forever
 * (the exit handlers still stop every child).
 *
 * @example
 * exitAfter(180_000)
 */
export function exitAfter(ms: number): void {
  setTimeout(() => {
    console.log(`FAIL the run did not end within ${ms / 1000} s`)
    process.exit(1)
  }, ms).unref()
}
