import type { z } from 'zod'

import type { ReadonlyDeep } from '../api/operation.js'

import { CliError } from './cli-error.js'

/**
 * A request built from flags, checked against the operation's contract (src/api)
 * before it is sent: a bad value is a usage error naming the flag's field, with
 * the bounds the server would apply anyway (a lease over 24 h, a `require` it
 * does not know).
 */
export function contractInput<S extends z.ZodType>(
  schema: S,
  input: ReadonlyDeep<z.input<S>>,
  what: string,
): z.output<S> {
  return parseContract(schema, input, what)
}

/** Like contractInput, for what a user wrote (JSON files, specs): its shape is what is being checked. */
export function parseContract<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`)
  throw new CliError('usage', `${what}: ${problems.join('; ')}`)
}
