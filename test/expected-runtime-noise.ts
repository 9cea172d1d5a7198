/**
 * Some tests make workerd report something on purpose, and workerd writes it to the test run's stderr, where no
 * test can capture it: origin mode's tests break off a body whose origin fell silent ("read end of pipe was
 * aborted", with its stack line), and the hostile-input tests send header values with bytes >= 0x80 (workerd
 * warns that a browser would refuse them). dropExpectedRuntimeNoise keeps exactly those lines out of the run's
 * output, so a green run prints nothing that looks like an error; every other line passes as it is.
 */

const EXPECTED: readonly RegExp[] = [
  /^exception = kj\/async-io\.c\+\+:\d+: disconnected: read end of pipe was aborted$/,
  /^A header value for "(If-None-Match|If-Modified-Since)" contains non-ASCII characters: /,
]
// The stack line workerd writes after an exception: dropped only right after a dropped exception.
const STACK = /^stack: \S*workerd\S*(?: \S+)*$/

/**
 * dropExpectedRuntimeNoise filters the run's stdout and stderr (workerd's reports reach either) for the rest of
 * the run; vitest.config.ts calls it once.
 *
 * @example dropExpectedRuntimeNoise()
 */
export function dropExpectedRuntimeNoise(): void {
  for (const stream of [process.stdout, process.stderr]) filter(stream as unknown as { write: Write })
}

type Write = (chunk: string | Uint8Array, ...rest: unknown[]) => boolean

function filter(stream: { write: Write }): void {
  const write = stream.write.bind(stream)
  let afterDropped = false
  stream.write = (chunk, ...rest) => {
    const text = typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk)
    const lines = text.split('\n')
    const kept = lines.filter((line, index) => {
      if (index === lines.length - 1 && line === '') return true
      const drop = EXPECTED.some((expected) => expected.test(line)) || (afterDropped && STACK.test(line))
      afterDropped = drop && !STACK.test(line)
      return !drop
    })
    if (kept.length === lines.length) return write(chunk, ...rest)
    const left = kept.join('\n')
    return left === '' ? true : write(left, ...rest)
  }
}
