import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { withStatementCache } from '../../src/store/db.js';

describe('SQLite statement cache', () => {
  it('hands out the same prepared statement for the same SQL', () => {
    const db = withStatementCache(new SQLite(':memory:'));
    assert.equal(db.prepare('select 1'), db.prepare('select 1'));
    assert.notEqual(db.prepare('select 1'), db.prepare('select 2'));
    db.close();
  });

  it('never shares a statement that is still being iterated', () => {
    const raw = new SQLite(':memory:');
    raw.exec('create table t (n integer)');
    for (let n = 0; n < 3; n++) raw.prepare('insert into t values (?)').run(n);
    const db = withStatementCache(raw);
    const sql = 'select n from t order by n';
    const outer = db.prepare(sql) as unknown as SQLite.Statement;
    const seen: number[] = [];
    for (const row of outer.iterate() as Iterable<{ n: number }>) {
      const inner = db.prepare(sql) as unknown as SQLite.Statement;
      assert.notEqual(inner, outer);
      seen.push(row.n, (inner.all() as unknown[]).length);
    }
    assert.deepEqual(seen, [0, 3, 1, 3, 2, 3]);
    db.close();
  });

  it('sees schema changes made after a statement was cached', () => {
    const raw = new SQLite(':memory:');
    raw.exec('create table t (a integer)');
    const db = withStatementCache(raw);
    assert.deepEqual(
      (db.prepare('select * from t') as unknown as SQLite.Statement).columns().map((c) => c.name),
      ['a'],
    );
    raw.exec('alter table t add column b integer');
    raw.prepare('insert into t values (1, 2)').run();
    assert.deepEqual((db.prepare('select * from t') as unknown as SQLite.Statement).all(), [{ a: 1, b: 2 }]);
    db.close();
  });
});
