"""The Jinja2 sandbox for staff reply templates, with limits on how much work a template can do.

Jinja's sandbox stops templates reaching Python internals, but not building huge values:
`{{ 'a' * 10**9 }}`, `{{ 'x'.ljust(10**9) }}` or `{{ '%999999999s' % 1 }}` would take the server's
memory. Every route that lets a size grow (repetition and powers, padding widths, format widths,
filter arguments) is checked here *before* the value is built, and every call's result is checked
after; the rendered text is also streamed and cut off at MAX_OUTPUT_CHARS.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from functools import wraps
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import Context, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace

# Replies are at most 10,000 characters (Reddit), so nothing a reply needs comes near these.
MAX_VALUE_SIZE = 20_000  # characters of a string, items of a list, or a number used as a width
MAX_OUTPUT_CHARS = 20_000
MAX_POWER = 10**18  # a power's result; 2**64 is fine, 10**100000 is not
MAX_LOOP_STEPS = 200_000  # loop iterations in one render, all loops together
LOOP_GUARD = "makegood_loop_guard"  # the global every {% for %} iterable is wrapped in

# Callables whose arguments are data, not sizes: macros (staff's own) and value holders.
_DATA_TYPES = (Namespace, Cycler, Joiner, dict)

_steps: ContextVar[list[int]] = ContextVar("reply_template_steps")

_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "*": operator.mul,
    "**": operator.pow,
    "%": operator.mod,
    "+": operator.add,
}
_DIGITS = re.compile(r"\d+")
# A width taken from the values: '%*s' or '{:>{w}}'.
_NESTED_WIDTH = re.compile(r"%[-#0 +]*\*|\{[^{}]*\{")
# Filters whose numeric arguments are widths or counts of what they build.
_WIDTH_FILTERS = frozenset({"center", "indent", "wordwrap", "batch", "slice", "truncate"})


class TemplateLimitError(Exception):
    """A template tried to build a value or an output larger than the limits allow."""


def _size(value: Any) -> int:
    """How big a value is for the limits: length of a sized value, else 0."""
    if isinstance(value, str | bytes | list | tuple | dict | set | frozenset):
        return len(value)
    return 0


def _check_result(value: Any, what: str) -> Any:
    if _size(value) > MAX_VALUE_SIZE:
        raise TemplateLimitError(f"{what} would be longer than {MAX_VALUE_SIZE}")
    return value


def _check_number(value: Any, what: str) -> None:
    """Refuse an integer argument that could be used as a size or width."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_VALUE_SIZE:
        raise TemplateLimitError(
            f"{what}: the number {value} is over the limit of {MAX_VALUE_SIZE}"
        )


def _check_widths(fmt: Any, what: str) -> None:
    """Refuse a format string whose width or precision is over the limit ('%999999s')."""
    if isinstance(fmt, str):
        for digits in _DIGITS.findall(fmt):
            if len(digits) > 6 or int(digits) > MAX_VALUE_SIZE:
                raise TemplateLimitError(f"{what}: the width {digits} is over the limit")


def _repeat_size(left: Any, right: Any) -> int:
    """The size `left * right` would have when one side is a sequence and the other a count."""
    if isinstance(right, int) and _size(left):
        return _size(left) * max(right, 0)
    if isinstance(left, int) and _size(right):
        return _size(right) * max(left, 0)
    return 0


def _check_format(fmt: Any, values: tuple[Any, ...], what: str) -> None:
    """Refuse huge widths in a format string, also ones taken from the values ('%*s', '{:{w}}')."""
    _check_widths(fmt, what)
    if isinstance(fmt, str) and _NESTED_WIDTH.search(fmt):
        for value in values:
            _check_number(value, what)


def _guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter so its width arguments are bounded and its result is size-checked."""

    @wraps(func)  # keeps jinja's pass_context / pass_environment marker
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if name in _WIDTH_FILTERS:
            for value in (*args[1:], *kwargs.values()):
                _check_number(value, f"filter {name}")
        if name == "format" and args:  # "%5s"|format(x): the format string comes first
            _check_format(args[0], (*args[1:], *kwargs.values()), "filter format")
        return _check_result(func(*args, **kwargs), f"the result of filter {name}")

    return guarded


def _bounded_join(pieces: Any) -> str:
    """`"".join` that stops once the text passes MAX_VALUE_SIZE (for `~` and captured blocks)."""
    out: list[str] = []
    total = 0
    for piece in pieces:
        text = str(piece)
        total += len(text)
        if total > MAX_VALUE_SIZE:
            raise TemplateLimitError(f"joining text would give more than {MAX_VALUE_SIZE}")
        out.append(text)
    return "".join(out)


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles `a ~ b` to the bounded join instead of Jinja's unbounded str_join."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        """Emit `environment.concat((a, b, ...))`, which is the bounded join."""
        self.write("environment.concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


def _loop_guard(iterable: Iterable[Any]) -> Iterator[Any]:
    """Yield from `iterable`, counting every step against this render's loop budget."""
    budget = _steps.get([MAX_LOOP_STEPS])
    for item in iterable:
        budget[0] -= 1
        if budget[0] < 0:
            raise TemplateLimitError(f"the template's loops ran more than {MAX_LOOP_STEPS} times")
        yield item


class ReplySandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox plus size limits on operators, calls, filters, `~` and blocks."""

    intercepted_binops = frozenset(_BINOPS)
    code_generator_class = _BoundedCodeGenerator
    # Captured blocks ({% set x %}, macros, {% filter %}) and `~` all join through this.
    concat = staticmethod(_bounded_join)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _guard_filter(name, f) for name, f in self.filters.items()}
        self.globals[LOOP_GUARD] = _loop_guard

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Parse, then wrap every loop's iterable in the loop guard (nested loops count too)."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            guard = nodes.Name(LOOP_GUARD, "load", lineno=loop.iter.lineno)
            loop.iter = nodes.Call(guard, [loop.iter], [], None, None, lineno=loop.iter.lineno)
        return tree

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """Refuse `*`, `**`, `%` and `+` whose result would be huge, before building it."""
        if operator == "*" and _repeat_size(left, right) > MAX_VALUE_SIZE:
            raise TemplateLimitError(f"repeating a value would give more than {MAX_VALUE_SIZE}")
        if operator == "**":
            _check_power(left, right)
        if operator == "%":
            _check_format(left, right if isinstance(right, tuple) else (right,), "the % format")
        return _check_result(_BINOPS[operator](left, right), f"the result of {operator}")

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Bound widths and counts passed to built-in calls, and the size of what a call returns."""
        name = getattr(__obj, "__name__", type(__obj).__name__).removeprefix("safe_")
        values = (*args, *kwargs.values())
        if name in ("format", "format_map"):  # the sandbox's wrapper around str.format
            fmt = getattr(getattr(__obj, "__wrapped__", None), "__self__", None)
            _check_format(fmt, values, name)
        elif not (isinstance(__obj, Macro) or __obj in _DATA_TYPES):
            # ljust(10**9), range(10**9), lipsum(10**9): a number here is a size to build.
            for value in values:
                _check_number(value, name)
        for value in values:
            _check_result(value, f"an argument of {name}")
        result = super().call(__context, __obj, *args, **kwargs)
        return _check_result(result, f"the result of {name}")


def _check_power(base: Any, exponent: Any) -> None:
    """Refuse powers whose result would be over MAX_POWER (estimated without computing it)."""
    if not (isinstance(base, int) and isinstance(exponent, int)):
        return  # floats overflow to an OverflowError, which is reported like any error
    if exponent < 0 or abs(base) <= 1:
        return
    if exponent > 64 or abs(base) ** min(exponent, 64) > MAX_POWER:
        raise TemplateLimitError(f"{base} ** {exponent} is over the limit of {MAX_POWER}")


def bounded_render(env: ReplySandbox, source: str, variables: dict[str, Any]) -> str:
    """Render `source` in `env`, stopping as soon as the output passes MAX_OUTPUT_CHARS."""
    token = _steps.set([MAX_LOOP_STEPS])  # a fresh loop budget for this render
    try:
        chunks: list[str] = []
        total = 0
        for chunk in env.from_string(source).generate(**variables):
            total += len(chunk)
            if total > MAX_OUTPUT_CHARS:
                raise TemplateLimitError(
                    f"the rendered text is over {MAX_OUTPUT_CHARS} characters;"
                    " replies are much shorter"
                )
            chunks.append(chunk)
        return "".join(chunks)
    finally:
        _steps.reset(token)


def make_environment() -> ReplySandbox:
    """The sandbox used for reply templates: plain text, strict about unknown variables."""
    return ReplySandbox(
        autoescape=False,  # plain text for the platforms; pages escape on display
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
