import type { Queryable } from '../src/db/queryable';

/** Records every query and returns canned results from a queue, or empty rows when the queue is empty. */
export class FakeDb implements Queryable {
  readonly queries: { text: string; values: unknown[] | undefined }[] = [];
  private readonly results: { rows: Record<string, unknown>[]; rowCount: number | null }[] = [];
  failOn: RegExp | undefined;

  answer(rows: Record<string, unknown>[], rowCount: number | null = rows.length): this {
    this.results.push({ rows, rowCount });
    return this;
  }

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- same signature as Queryable
  query<R extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }> {
    this.queries.push({ text, values });
    if (this.failOn?.test(text) === true) {
      return Promise.reject(new Error(`query failed: ${text.slice(0, 20)}`));
    }
    const result = this.results.shift() ?? { rows: [], rowCount: 0 };
    return Promise.resolve(result as { rows: R[]; rowCount: number | null });
  }

  /** Returns the SQL texts with whitespace collapsed, for compact assertions. */
  texts(): string[] {
    return this.queries.map((query) => query.text.replace(/\s+/g, ' ').trim());
  }
}
