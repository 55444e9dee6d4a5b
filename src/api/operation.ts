import type { z } from 'zod'

import type { ErrorCode } from '../domain/errors.js'

/**
 * One operation of the API: what it accepts and what it may refuse with. Each
 * edge (HTTP routes and their OpenAPI document, MCP tools, the CLI, the SDK's
 * types, the service's signatures) reads the operation from here, so a bound
 * or a field cannot differ between them.
 */
export interface Operation<
  TBody extends z.ZodType | undefined = z.ZodType | undefined,
  TQuery extends z.ZodType | undefined = z.ZodType | undefined,
  TOutput = unknown,
> {
  readonly body: TBody
  readonly query: TQuery
  /** The codes a refusal of this operation may carry (src/domain/errors.ts). */
  readonly errors: readonly ErrorCode[]
  /** Type only (never set at run time): the reply's wire shape. */
  readonly output?: TOutput
}

/** Names the reply type of an operation: `output: reply<Row>()`. */
export function reply<T>(): T | undefined {
  return undefined
}

export function operation<
  TBody extends z.ZodType | undefined = undefined,
  TQuery extends z.ZodType | undefined = undefined,
  TOutput = unknown,
>(spec: {
  readonly body?: TBody
  readonly query?: TQuery
  readonly errors: readonly ErrorCode[]
  readonly output?: TOutput
}): Operation<TBody, TQuery, TOutput> {
  // Sorted and deduplicated: error lists are built from shared groups plus the operation's own.
  const errors = [...new Set(spec.errors)].sort()
  return { body: spec.body as TBody, query: spec.query as TQuery, errors }
}

/**
 * What a caller may pass: the input shape with every array and record read-only,
 * so values a client keeps as `readonly` (domain records are) type-check.
 */
export type ReadonlyDeep<T> = T extends readonly (infer E)[]
  ? readonly ReadonlyDeep<E>[]
  : T extends object
    ? { readonly [K in keyof T]: ReadonlyDeep<T[K]> }
    : T
