// node-sqlite3-wasm (no native build, so the same file works in Node and in a
// packaged Electron app) with one prepared statement per SQL text.
import sqlite from 'node-sqlite3-wasm';

const { Database } = sqlite;
type Statement = ReturnType<InstanceType<typeof Database>['prepare']>;
type BindValues = Parameters<Statement['run']>[0];

/**
 * The database with one prepared statement per SQL text, reused: the library's
 * own run/get/all prepare and finalize a statement on every call, which costs
 * more than the statement itself for our one-row reads and writes.
 */
export class Db {
  private readonly db: InstanceType<typeof Database>;
  private readonly statements = new Map<string, Statement>();

  constructor(path: string | null) {
    this.db = path === null ? new Database() : new Database(path);
  }

  private prepared(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  /**
   * Runs `use` on the cached statement. One whose step failed is dropped: the
   * library would refuse to bind it again (its reset reports that failure anew).
   */
  private with<T>(sql: string, use: (statement: Statement) => T): T {
    const statement = this.prepared(sql);
    try {
      return use(statement);
    } catch (err) {
      this.statements.delete(sql);
      try {
        statement.finalize();
      } catch {
        /* finalize reports the same failure again */
      }
      throw err;
    }
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  /** A SQL function written in JS (the filter's REGEXP, for one). */
  function(...args: Parameters<InstanceType<typeof Database>['function']>): this {
    this.db.function(...args);
    return this;
  }

  run(sql: string, values?: BindValues) {
    return this.with(sql, (s) => s.run(values));
  }

  all(sql: string, values?: BindValues) {
    return this.with(sql, (s) => s.all(values));
  }

  /** First row or null; reads to the end so no statement is left open mid-read. */
  get(sql: string, values?: BindValues) {
    return this.all(sql, values)[0] ?? null;
  }

  close(): void {
    for (const statement of this.statements.values()) statement.finalize();
    this.statements.clear();
    this.db.close();
  }
}
