"""Dialect-aware INSERT: ON CONFLICT for one row, and multi-row bulk statements for a page.

`insert_for` is SQLAlchemy's INSERT with the ON CONFLICT clause of whichever database the
session talks to. `bulk_insert` writes a whole page of rows in a few statements with
`ON CONFLICT ... DO NOTHING / DO UPDATE ... RETURNING`: on SQLite (>= 3.35) a multi-row
`VALUES (...), (...)`; on PostgreSQL `SELECT * FROM unnest(%b::type[], ...)`, one binary array a
column, because psycopg parses the placeholders of a long statement in Python on every call.
Values go through each column type's own bind processor (a time or a JSON value is stored as
the ORM stores it) and missing columns get their Python-side defaults, but SQLAlchemy's per-row
statement machinery, which cost several times what the database spends on a row, is skipped.
`bulk_update` is the matching executemany (SQLite) or `UPDATE ... FROM unnest(...)` (PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import JSON, DateTime, Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

ROWS_PER_STATEMENT = 1000
SQLITE_VARIABLES = 32766  # SQLite >= 3.32's default limit of bound parameters per statement
SQLITE_LIMIT_VARIABLE_NUMBER = 9  # sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER (named from 3.11 on)


def insert_for(session: Session, table: Any) -> Insert:
    """An INSERT that supports ON CONFLICT on the session's dialect."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table)


def bulk_insert(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    conflict: Sequence[str] = (),
    where: str = "",
    update: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert `rows` (dicts with the same keys) in multi-row statements; the RETURNING rows.

    `conflict` names the unique index's columns (with `where` for a partial index); on a
    conflict the row is skipped, or with `update` those columns are set from the new row.
    Rows skipped on a conflict return nothing. Runs in the session's transaction.
    """
    if not rows:
        return []
    conn = session.connection()
    dialect = conn.dialect
    names = tuple(rows[0])
    plan = _plan(table, names, dialect)
    suffix = _conflict_clause(conflict, where, update) + _returning_clause(returning)
    head = f"INSERT INTO {table.name} ({', '.join(plan.columns)}) "
    defaults = [fill() for fill in plan.defaults]  # one evaluation per call, like one clock read
    active = [(i, _memo(p) if i in plan.repeated else p) for i, p in enumerate(plan.processors)
              if p is not None]  # fmt: skip
    postgres = dialect.name == "postgresql"
    per_statement = (
        ROWS_PER_STATEMENT if postgres
        else max(1, min(ROWS_PER_STATEMENT, _variables(conn) // len(plan.columns)))
    )  # fmt: skip
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(rows), per_statement):
        chunk = []
        for row in rows[start : start + per_statement]:
            values = [row[name] for name in names]
            values.extend(defaults)
            for index, process in active:
                values[index] = process(values[index])
            chunk.append(values)
        if postgres:
            # One array a column, unnested into rows: a short statement the driver parses once,
            # however many rows it carries (psycopg parses long statements' placeholders anew).
            sql = head + f"SELECT * FROM unnest({plan.arrays})" + suffix
            params: tuple[Any, ...] = tuple(list(column) for column in zip(*chunk, strict=True))
        else:
            one_row = "(" + ", ".join(["?"] * len(plan.columns)) + ")"
            sql = head + "VALUES " + ", ".join([one_row] * len(chunk)) + suffix
            params = tuple(chain.from_iterable(chunk))
        if postgres:
            out.extend(_pg_execute(conn, sql, params, bool(returning)))
            continue
        result = conn.exec_driver_sql(sql, params)
        if returning:
            out.extend(tuple(r) for r in result)
    return out


def _pg_execute(conn: Any, sql: str, params: tuple[Any, ...], rows: bool) -> list[tuple]:
    """Run one statement on psycopg's own cursor in binary format (arrays sent unescaped)."""
    with conn.connection.dbapi_connection.cursor(binary=True) as cursor:
        cursor.execute(sql, params)
        return [tuple(r) for r in cursor.fetchall()] if rows else []


def bulk_update(
    session: Session,
    table: Table,
    columns: Sequence[str],
    key: str,
    rows: Sequence[Sequence[Any]],
    *,
    also: str = "",
) -> None:
    """`UPDATE table SET columns... [, also] WHERE key = ...` once per row (values..., key).

    One executemany through the driver, values through the columns' bind processors; `also` is
    a fixed SQL assignment added to each (such as a version counter's `version = version + 1`).
    """
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    processors = [_processor(table.c[n], dialect) for n in (*columns, key)]
    params = [
        tuple(v if p is None else p(v) for p, v in zip(processors, row, strict=True))
        for row in rows
    ]
    if dialect.name == "postgresql":
        names = (*columns, key)
        arrays = ", ".join(f"%b::{_sql_type(table.c[n], dialect)}[]" for n in names)
        sets = [f"{c} = v.{c}" for c in columns] + ([also] if also else [])
        sql = (f"UPDATE {table.name} SET {', '.join(sets)} FROM unnest({arrays})"
               f" AS v({', '.join(names)}) WHERE {table.name}.{key} = v.{key}")  # fmt: skip
        _pg_execute(conn, sql, tuple(list(c) for c in zip(*params, strict=True)), False)
        return
    assignments = [f"{c} = ?" for c in columns] + ([also] if also else [])
    sql = f"UPDATE {table.name} SET {', '.join(assignments)} WHERE {key} = ?"
    conn.exec_driver_sql(sql, params)


class _Plan:
    """The columns of a bulk INSERT, their bind processors, and the defaults to fill in."""

    __slots__ = ("arrays", "columns", "defaults", "processors", "repeated")

    def __init__(
        self,
        columns: tuple[str, ...],
        processors: list[Any],
        defaults: list[Any],
        repeated: frozenset[int],
        arrays: str,
    ):
        self.columns = columns
        self.processors = processors
        self.defaults = defaults
        self.repeated = repeated  # columns of times: a page repeats the same few values
        self.arrays = arrays  # PostgreSQL: the typed array parameters, one a column


def _memo(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`process` remembering its results for this statement (for hashable, repeated values)."""
    seen: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = done = process(value)
            return done

    return remembered


@cache
def _plan(table: Table, names: tuple[str, ...], dialect: Dialect) -> _Plan:
    """Which columns a bulk INSERT of `names` writes: those, then any with a Python default."""
    unknown = [n for n in names if n not in table.c]
    if unknown:
        raise KeyError(f"{table.name} has no column {', '.join(unknown)}")
    extra = [c for c in table.c if c.name not in names and c.default is not None]
    defaults: list[Callable[[], Any]] = []
    for column in extra:
        default: Any = column.default
        if default.is_clause_element or default.is_sequence:
            raise TypeError(f"{table.name}.{column.name}: a SQL default, give the value instead")
        if default.is_callable:
            defaults.append(lambda fn=default.arg: fn(None))
        else:
            defaults.append(lambda value=default.arg: value)
    columns = (*names, *(c.name for c in extra))
    processors = [_processor(table.c[n], dialect) for n in columns]
    times = frozenset(i for i, n in enumerate(columns) if _is_time(table.c[n].type))
    arrays = ", ".join(f"%b::{_sql_type(table.c[n], dialect)}[]" for n in columns)
    return _Plan(columns, processors, defaults, times, arrays)


def _processor(column: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """How a value of `column` goes to the driver: the type's own bind processor, except JSON
    on PostgreSQL, which travels as text in a json[] array (serialized as SQLAlchemy would)."""
    if dialect.name == "postgresql" and isinstance(column.type, JSON):
        return json.dumps
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def _sql_type(column: Any, dialect: Dialect) -> str:
    """The column's type as the database names it (e.g. VARCHAR(200), TIMESTAMP WITH TIME ZONE)."""
    return str(column.type.compile(dialect=dialect))


def _is_time(type_: Any) -> bool:
    """Whether a column holds times (directly or under a TypeDecorator such as UTCDateTime)."""
    return isinstance(getattr(type_, "impl", type_), DateTime)


def _conflict_clause(conflict: Sequence[str], where: str, update: Sequence[str]) -> str:
    if not conflict:
        return ""
    target = f" ON CONFLICT ({', '.join(conflict)})" + (f" WHERE {where}" if where else "")
    if not update:
        return target + " DO NOTHING"
    return target + " DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in update)


def _returning_clause(returning: Sequence[str]) -> str:
    return f" RETURNING {', '.join(returning)}" if returning else ""


def _variables(conn: Any) -> int:
    """How many bound parameters one SQLite statement may carry on this connection."""
    raw = conn.connection.dbapi_connection
    getlimit = getattr(raw, "getlimit", None)  # Python >= 3.11
    return getlimit(SQLITE_LIMIT_VARIABLE_NUMBER) if getlimit else 999
