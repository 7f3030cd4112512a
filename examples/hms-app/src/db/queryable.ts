/** The subset of pg's Pool and Client that the repositories and the migration runner call. */
export interface Queryable {
  // The caller names the row shape, as pg's own typings do; nothing checks it at run time.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}
