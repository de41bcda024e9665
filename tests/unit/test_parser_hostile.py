"""Hostile input: every attempt is refused with SurfaceError, quickly, and has no side effect."""

from __future__ import annotations

from pathlib import Path

import pytest

from surfaces import SurfaceError, parse_surface
from surfaces.expression import MAX_LENGTH, build_expression

CANARY = "CANARY_PATH"  # replaced by a file path in tmp_path that an escape would create


HOSTILE = [
    # code execution through builtins, dunders and imports
    "__import__('os').system('touch CANARY_PATH')",
    '__import__("os").system("touch CANARY_PATH")',
    "open('CANARY_PATH', 'w').write('x')",
    "exec(\"open('CANARY_PATH','w')\")",
    "eval('1+1')",
    "import os",
    "from os import system",
    "x.__class__.__bases__[0].__subclasses__()",
    "().__class__.__base__.__subclasses__()",
    "__builtins__",
    "globals()",
    "getattr(x, 'real')",
    "breakpoint()",
    "compile('1', 'f', 'eval')",
    # attribute and subscript access
    "x.real",
    "sin.__globals__",
    "x[0]",
    "(x, y)[0]",
    "pi.evalf()",
    # lambdas, comprehensions, walrus, f-strings, strings, containers
    "lambda: x",
    "(lambda q: q)(x)",
    "[x for x in range(10)]",
    "sum(i for i in range(9))",
    "{x: y}",
    "{x, y}",
    "(z := x)",
    "f'{x}'",
    "f\"{__import__('os').system('touch CANARY_PATH')}\"",
    "'x'",
    "b'x'",
    "x if y else 1",
    "x and y",
    "not x",
    "x < y",
    "x == y",
    "*x",
    "x; import os",
    "x\nimport os",
    "x # comment",
    "x @ y",
    "x % y",
    "x // y",
    "x | y",
    "~x",
    "x << 2",
    # huge and deeply nested expressions, power towers, huge literals
    "9**9**9**9",
    "9^9^9^9",
    "2**2**2**2**2**2",
    "x**10**100",
    "10**100 * x",
    "x**(10**10)",
    "x^1000",
    "(10**10)**10**10",
    "((((10**10)**10)**10)**10)*x",
    "x" + "+x" * 140,
    "(" * 40 + "x" + ")" * 40,
    "sin(" * 40 + "x" + ")" * 40,
    "-" * 100 + "x",
    "x^x^x^x^x^x",
    "123456789012345678901234567890 * x",
    "1" * 200 + "*x",
    "1e999 * x",
    "1e308 * x",
    # non-finite and complex literals, complex values
    "1j * x",
    "x + 2J",
    "inf * x",
    "nan + x",
    "float('inf') * x",
    "sqrt(-1) * x",
    "log(-1) + x",
    "1/0 + x",
    "0**-1 + x",
    # control characters and very long input
    "x\x00 + y",
    "x + \x1b[31my",
    "x\r\ny",
    "x\x7f",
    "x + y" + " " * MAX_LENGTH,
    "x+" * 1000 + "x",
    # unicode lookalikes and invisible characters
    "ｘ + y",
    "x + у",  # Cyrillic у
    "x − y",  # minus sign
    "x × y",
    "x\u200b + y",  # zero-width space
    "x\u202e + y",  # right-to-left override
    "ℯ^x",
    "𝑥 + y",
    # not a formula at all
    "",
    "   ",
    "x +",
    "(x",
    "x)",
    "2x",
    "x y",
    "xy",
    "sin x",
    "z + 1",
    "0x10 * x",
    "x - x",
    "5",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_refused_without_side_effect(text: str, tmp_path: Path) -> None:
    canary = tmp_path / "escaped"
    text = text.replace(CANARY, str(canary))
    with pytest.raises(SurfaceError) as raised:
        parse_surface(text)
    assert str(raised.value)  # a message for the student, never empty
    assert "Traceback" not in str(raised.value)
    assert not canary.exists()


@pytest.mark.parametrize("value", [None, 42, 1.5, b"x", ["x"], {"x": 1}])
def test_non_text_input_is_refused(value: object) -> None:
    with pytest.raises(SurfaceError):
        parse_surface(value)  # type: ignore[arg-type]


# (text, words the message must contain, the column it must point at)
MESSAGES = [
    ("z + x", "unknown name 'z' at column 1 — use x and y", 1),
    ("x + 2*z", "unknown name 'z' at column 7", 7),
    ("import os", "'import' is not allowed", 1),
    ("10**100", "exponent 100", 1),
    ("x + 10^100", "exponent 100", 5),
    ("sin(x + (y", "missing closing parenthesis", 9),
    ("", "empty input", None),
    ("2x + y", "write 2*x", 2),
    ("x^2 + 3y", "write 3*y", 8),
    ("x + y)", "unmatched ')' at column 6", 6),
    ("x + 1j", "complex", 5),
    ("x^2 + 1e999", "too large", 7),
    ("x − y", "type -", 3),
    ("x^2 + foo(y)", "unknown function 'foo'", 7),
    ("x ^ * 2", "out of place", 5),
    ("lambda: x", "'lambda' is not allowed", 1),
    ("x.real", "'.'", 2),
    ("   x + * y", "out of place", 8),
    ("  x^2 + 10^100", "exponent 100", 9),
]


@pytest.mark.parametrize(("text", "words", "column"), MESSAGES)
def test_messages_name_the_problem_and_its_column_in_the_typed_text(
    text: str, words: str, column: int | None
) -> None:
    with pytest.raises(SurfaceError) as raised:
        build_expression(text)
    assert words in str(raised.value)
    assert raised.value.column == column


def test_user_text_never_reaches_an_evaluator(monkeypatch: pytest.MonkeyPatch) -> None:
    """eval/exec/sympify/parse_expr are wrapped: none may receive a string holding the typed text."""
    import builtins

    import sympy
    import sympy.parsing.sympy_parser as sympy_parser

    typed = "sin(x)^2 + 10*y^2 - log(1 + x^2)/2"
    leaks: list[str] = []

    def spy(original):  # type: ignore[no-untyped-def]
        def wrapper(*args: object, **kwargs: object) -> object:
            for argument in (*args, *kwargs.values()):
                if isinstance(argument, str) and ("10*y" in argument or "10*y**2" in argument):
                    leaks.append(f"{original.__name__}({argument!r})")
            return original(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(builtins, "eval", spy(builtins.eval))
    monkeypatch.setattr(builtins, "exec", spy(builtins.exec))
    monkeypatch.setattr(sympy, "sympify", spy(sympy.sympify))
    monkeypatch.setattr(sympy_parser, "parse_expr", spy(sympy_parser.parse_expr))
    built = build_expression(typed)
    assert built.free_symbols
    assert leaks == []


@pytest.mark.parametrize("module", ["expression", "landscape", "parser", "sandbox"])
def test_parser_modules_do_not_call_any_evaluator(module: str) -> None:
    import re

    source = (Path(__file__).parents[2] / "surfaces" / f"{module}.py").read_text()
    code = "\n".join(line.split("#")[0] for line in source.splitlines())  # comments may name them
    for forbidden in (r"\bsympify\(", r"\bparse_expr\(", r"(?<![.\w])eval\(", r"(?<![.\w])exec\(", r"S\("):
        assert not re.search(forbidden, code), forbidden
