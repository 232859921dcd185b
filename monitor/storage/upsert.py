"""Dialect-aware INSERT: ON CONFLICT for one row, and multi-row bulk statements for a page.

`insert_for` is SQLAlchemy's INSERT with the ON CONFLICT clause of whichever database the
session talks to. `bulk_insert` writes a whole page of rows as a few multi-row
`INSERT ... VALUES (...), (...) ON CONFLICT ... RETURNING ...` statements, the same SQL on SQLite
(>= 3.35) and PostgreSQL. Its values go through each column type's own bind processor (so a
time or a JSON value is stored exactly as the ORM stores it) and missing columns get their
Python-side defaults, but it skips SQLAlchemy's per-row statement machinery, which cost several
times what the database itself spends on a row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import DateTime, Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

ROWS_PER_STATEMENT = 1000
SQLITE_VARIABLES = 32766  # SQLite >= 3.32's default limit of bound parameters per statement
PG_VARIABLES = 65535  # PostgreSQL's wire protocol counts parameters in 16 bits
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
    columns = plan.columns
    suffix = _conflict_clause(conflict, where, update) + _returning_clause(returning)
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    one_row = "(" + ", ".join([mark] * len(columns)) + ")"
    head = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
    defaults = [fill() for fill in plan.defaults]  # one evaluation per call, like one clock read
    per_statement = max(1, min(ROWS_PER_STATEMENT, _variables(conn, dialect) // len(columns)))
    active = [(i, _memo(p) if i in plan.repeated else p) for i, p in enumerate(plan.processors)
              if p is not None]  # fmt: skip
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        params: list[Any] = []
        for row in chunk:
            values = [row[name] for name in names]
            values.extend(defaults)
            for index, process in active:
                values[index] = process(values[index])
            params.extend(values)
        sql = head + ", ".join([one_row] * len(chunk)) + suffix
        result = conn.exec_driver_sql(sql, tuple(params))
        if returning:
            out.extend(tuple(r) for r in result)
    return out


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
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    assignments = [f"{c} = {mark}" for c in columns] + ([also] if also else [])
    sql = f"UPDATE {table.name} SET {', '.join(assignments)} WHERE {key} = {mark}"
    processors = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect)
                  for n in (*columns, key)]  # fmt: skip
    params = [
        tuple(v if p is None else p(v) for p, v in zip(processors, row, strict=True))
        for row in rows
    ]
    conn.exec_driver_sql(sql, params)


class _Plan:
    """The columns of a bulk INSERT, their bind processors, and the defaults to fill in."""

    __slots__ = ("columns", "defaults", "processors", "repeated")

    def __init__(
        self,
        columns: tuple[str, ...],
        processors: list[Any],
        defaults: list[Any],
        repeated: frozenset[int],
    ):
        self.columns = columns
        self.processors = processors
        self.defaults = defaults
        self.repeated = repeated  # columns of times: a page repeats the same few values


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
    processors = [table.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in columns]
    times = frozenset(i for i, n in enumerate(columns) if _is_time(table.c[n].type))
    return _Plan(columns, processors, defaults, times)


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


def _variables(conn: Any, dialect: Dialect) -> int:
    """How many bound parameters one statement may carry on this connection."""
    if dialect.name != "sqlite":
        return PG_VARIABLES
    raw = conn.connection.dbapi_connection
    getlimit = getattr(raw, "getlimit", None)  # Python >= 3.11
    return getlimit(SQLITE_LIMIT_VARIABLE_NUMBER) if getlimit else 999
