/**
 * The seam between the one set of statements (`statements.ts`) and the two
 * databases: one member per thing SQLite and PostgreSQL spell differently.
 * Everything else (placeholders, value binding, connections, batching) is the
 * drivers' business; nothing here talks to a database.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres'
  /**
   * `column` equals one of `values` (two or more; one value is a plain `=`).
   * PostgreSQL takes the list as one array parameter, so a statement's text —
   * and its prepared plan — is the same whatever the list's length; SQLite has
   * no array type and needs one placeholder per value.
   */
  inList(column: string, values: readonly string[], param: (value: unknown) => string): string
  /**
   * The text at `path` inside a JSON text column (for migrations that lift a
   * field of the stored record into an indexed column). PostgreSQL stores the
   * records as `text`, not `jsonb` (hashes are over the exact bytes), so it
   * casts before it can look inside; SQLite reads JSON text directly.
   */
  jsonText(column: string, path: readonly string[]): string
  /**
   * `table`, read through `index`. SQLite plans without statistics (Dock never
   * runs ANALYZE) and, for the sweeper's DISTINCT over due leases, picks the
   * per-workspace lease index and scans every claimed row; INDEXED BY pins the
   * expiry index. PostgreSQL has no hints and plans from its statistics.
   */
  tableVia(table: string, index: string): string
}

export const POSTGRES: Dialect = Object.freeze({
  name: 'postgres',
  inList: (column, values, param) => `${column} = ANY(${param([...values])}::text[])`,
  jsonText: (column, path) => `(${column}::json #>> '{${path.join(',')}}')`,
  tableVia: (table) => table,
} satisfies Dialect)

export const SQLITE: Dialect = Object.freeze({
  name: 'sqlite',
  inList: (column, values, param) => `${column} IN (${values.map((v) => param(v)).join(', ')})`,
  jsonText: (column, path) => `json_extract(${column}, '$.${path.join('.')}')`,
  tableVia: (table, index) => `${table} INDEXED BY ${index}`,
} satisfies Dialect)
