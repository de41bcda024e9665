"""Typed text to a sympy expression, without ever evaluating the text.

The text comes from the open internet, so it is treated as data, in three passes:

1. A small scanner reads the text as typed and refuses, with the column, anything outside the
   grammar: characters other than letters, digits, spaces and ``+ - * / ^ ( ) , .``; Python keywords;
   names other than x, y, pi, e and the allowed functions; implicit multiplication such as ``2x``
   (we do not guess: the message suggests ``2*x``); unbalanced parentheses; over-long numbers.
2. ``ast.parse(mode="eval")`` of the text with ``^`` written as ``**`` gives the structure (operator
   precedence, ``2^3^2`` = 2^9 as in mathematics); the tree is checked for size and depth.
3. An allow-list walker builds the sympy expression itself, node by node (``sp.Integer``,
   ``sp.Float``, ``+ - * /``, ``sp.Pow``, ``sp.sin``, ...), checking every exponent before any power is
   computed, so ``9**9**9**9`` is refused before sympy sees it.

User text never reaches eval, exec, sympify, parse_expr or a lambdify string. Columns in messages are
1-based and count the text exactly as typed (a ``^`` counts as one character).
"""

from __future__ import annotations

import ast
import itertools
import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from surfaces.errors import SurfaceError
from surfaces.surface import X, Y

# --- bounds (each keeps parse + differentiate + compile of any accepted text well under a second) ----
MAX_LENGTH = 300  # characters of input
MAX_NODES = 150  # syntax-tree nodes (numbers, names, operators, calls)
MAX_DEPTH = 30  # nesting levels (a long sum a + b + c + ... counts as one level)
MAX_PARENTHESES = 30  # parentheses open at once
MAX_DIGITS = 15  # significant digits in one number (what a float64 holds)
MAX_LITERAL = 1e15  # size of one typed number
MAX_EXPONENT = 10  # |p| for a constant exponent in a**p
MAX_NESTED_POWERS = 3  # powers inside powers, e.g. ((x^2 + 1)^2 + 1)^2
MAX_CONSTANT = 1e100  # size of any constant the formula computes, such as 10^10^2

VARIABLES: dict[str, sp.Symbol] = {"x": X, "y": Y}
CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "e": sp.E}


def _log_base(base: int) -> Callable[[sp.Expr], sp.Expr]:
    return lambda argument: sp.log(argument, base)


# name -> (number of arguments, sympy builder). Each differentiates to something numpy and torch run.
FUNCTIONS: dict[str, tuple[int, Callable[..., sp.Expr]]] = {
    "sin": (1, sp.sin),
    "cos": (1, sp.cos),
    "tan": (1, sp.tan),
    "asin": (1, sp.asin),
    "acos": (1, sp.acos),
    "atan": (1, sp.atan),
    "atan2": (2, sp.atan2),
    "sinh": (1, sp.sinh),
    "cosh": (1, sp.cosh),
    "tanh": (1, sp.tanh),
    "asinh": (1, sp.asinh),
    "acosh": (1, sp.acosh),
    "atanh": (1, sp.atanh),
    "exp": (1, sp.exp),
    "log": (1, sp.log),
    "ln": (1, sp.log),
    "log10": (1, _log_base(10)),
    "log2": (1, _log_base(2)),
    "sqrt": (1, sp.sqrt),
    "abs": (1, sp.Abs),
}

_ALLOWED_NAMES_TEXT = "x, y, pi, e and the functions " + ", ".join(FUNCTIONS)

# Characters people paste from word processors, with what to type instead.
_LOOKALIKE_HINTS = {
    "−": "-",
    "–": "-",
    "—": "-",
    "×": "*",
    "·": "*",
    "⋅": "*",
    "∗": "*",
    "÷": "/",
    "²": "^2",
    "³": "^3",
    "π": "pi",
    "（": "(",
    "）": ")",
}
_ASCII_HINTS = {
    "'": "strings (quotes) are not allowed",
    '"': "strings (quotes) are not allowed",
    "[": "brackets are not allowed: use ( ) for grouping",
    "]": "brackets are not allowed: use ( ) for grouping",
    "{": "braces are not allowed: use ( ) for grouping",
    "}": "braces are not allowed: use ( ) for grouping",
    "=": "'=' is not allowed: type only the formula, e.g. x^2 + y^2 instead of f = x^2 + y^2",
    "<": "comparisons are not allowed",
    ">": "comparisons are not allowed",
    "!": "'!' is not allowed",
    "%": "'%' is not allowed",
    ".": "'.' is only allowed inside a number such as 0.5",
}
_NUMBER = re.compile(r"(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = set("+-*/^(),")


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", "function" or "operator"
    text: str
    index: int  # 0-based position in the typed text

    @property
    def column(self) -> int:
        return self.index + 1


def check_text(text: object) -> str:
    """Cheap checks on the raw input (type, length, emptiness); returns the text without outer spaces."""
    if not isinstance(text, str):
        raise SurfaceError("the function must be text, such as x^2 + y^2")
    if len(text) > MAX_LENGTH:
        raise SurfaceError(f"the function is too long: {len(text)} characters (at most {MAX_LENGTH})")
    if not text.strip():
        raise SurfaceError("empty input: type a function of x and y, such as x^2 + 3*y^2")
    return text


def _character_error(character: str, index: int) -> SurfaceError:
    column = index + 1
    code = f"U+{ord(character):04X}"
    if character in "\n\r":
        return SurfaceError(f"line break at column {column}: type the function on one line", column)
    if ord(character) < 32 or ord(character) == 127:
        return SurfaceError(f"control character {code} at column {column} is not allowed", column)
    if character in _LOOKALIKE_HINTS:
        hint = _LOOKALIKE_HINTS[character]
        return SurfaceError(
            f"the character '{character}' at column {column} is not allowed: type {hint}", column
        )
    if ord(character) > 127:
        shown = f"'{character}' ({code})" if character.isprintable() else code
        return SurfaceError(
            f"the character {shown} at column {column} is not allowed: type plain letters, digits and "
            "+ - * / ^ ( )",
            column,
        )
    if character in _ASCII_HINTS:
        return SurfaceError(f"{_ASCII_HINTS[character]} (column {column})", column)
    return SurfaceError(f"the character '{character}' at column {column} is not allowed", column)


def _name_error(name: str, index: int, followed_by_parenthesis: bool) -> SurfaceError:
    column = index + 1
    if keyword.iskeyword(name) or name.startswith("_") or "__" in name:
        return SurfaceError(f"'{name}' is not allowed (column {column})", column)
    if set(name) <= set("xy"):
        product = "*".join(name)
        return SurfaceError(
            f"unknown name '{name}' at column {column} — to multiply, write {product} (we do not guess)",
            column,
        )
    if name.lower() in VARIABLES or name.lower() in CONSTANTS or name.lower() in FUNCTIONS:
        return SurfaceError(
            f"unknown name '{name}' at column {column} — did you mean '{name.lower()}'?", column
        )
    for function in sorted(FUNCTIONS, key=len, reverse=True):
        rest = name[len(function) :]
        if name.startswith(function) and rest and set(rest) <= set("xy"):
            return SurfaceError(
                f"unknown name '{name}' at column {column} — write {function}({'*'.join(rest)})", column
            )
    if followed_by_parenthesis:
        return SurfaceError(
            f"unknown function '{name}' at column {column} — allowed: {', '.join(FUNCTIONS)}", column
        )
    return SurfaceError(f"unknown name '{name}' at column {column} — use x and y", column)


def _number_token(text: str, index: int) -> tuple[_Token, int]:
    match = _NUMBER.match(text, index)
    assert match is not None  # the caller saw a digit, or a '.' before a digit
    literal = match.group()
    end = match.end()
    column = index + 1
    following = text[end] if end < len(text) else ""
    if following in ("j", "J"):
        raise SurfaceError(
            f"complex numbers such as '{literal}{following}' are not allowed (column {column})", column
        )
    if literal == "0" and following in ("x", "X", "o", "O", "b", "B") and text[end + 1 : end + 2].isalnum():
        raise SurfaceError(f"only decimal numbers are allowed (column {column})", column)
    mantissa = re.split("[eE]", literal)[0].replace("_", "").replace(".", "").lstrip("0")
    if len(mantissa) > MAX_DIGITS:
        raise SurfaceError(
            f"the number {literal} at column {column} has too many digits (at most {MAX_DIGITS})", column
        )
    return _Token("number", literal, index), end


def _scan(text: str) -> list[_Token]:
    """Split the typed text into tokens, refusing anything outside the grammar at its column."""
    tokens: list[_Token] = []
    index = 0
    while index < len(text):
        character = text[index]
        if character in " \t":
            index += 1
        elif character.isascii() and (
            character.isdigit() or (character == "." and text[index + 1 : index + 2].isdigit())
        ):
            token, index = _number_token(text, index)
            tokens.append(token)
        elif character.isascii() and (character.isalpha() or character == "_"):
            match = _NAME.match(text, index)
            assert match is not None
            name = match.group()
            rest = text[match.end() :].lstrip(" \t")
            followed_by_parenthesis = rest.startswith("(")
            if name in FUNCTIONS:
                if not followed_by_parenthesis:
                    raise SurfaceError(
                        f"'{name}' at column {index + 1} is a function: write {name}(x), with parentheses",
                        index + 1,
                    )
                tokens.append(_Token("function", name, index))
            elif name in VARIABLES or name in CONSTANTS:
                tokens.append(_Token("name", name, index))
            else:
                raise _name_error(name, index, followed_by_parenthesis)
            index = match.end()
        elif character in _OPERATORS:
            tokens.append(_Token("operator", character, index))
            index += 1
        else:
            raise _character_error(character, index)
    return tokens


def _check_token_order(tokens: list[_Token]) -> None:
    """Refuse implicit multiplication (2x, x y, (x)(y), x(y)) and unbalanced parentheses."""
    ends_a_factor = {"number", "name"}
    starts_a_factor = {"number", "name", "function"}
    for before, after in itertools.pairwise(tokens):
        left_done = before.kind in ends_a_factor or before.text == ")"
        right_starts = after.kind in starts_a_factor or after.text == "("
        if left_done and right_starts:
            raise SurfaceError(
                f"missing '*' at column {after.column}: write {before.text}*{after.text}, not "
                f"{before.text}{after.text} (we do not guess multiplication)",
                after.column,
            )
    open_parentheses: list[_Token] = []
    for token in tokens:
        if token.text == "(":
            open_parentheses.append(token)
            if len(open_parentheses) > MAX_PARENTHESES:
                raise SurfaceError(
                    f"too many nested parentheses at column {token.column} (at most {MAX_PARENTHESES})",
                    token.column,
                )
        elif token.text == ")":
            if not open_parentheses:
                raise SurfaceError(f"unmatched ')' at column {token.column}", token.column)
            open_parentheses.pop()
    if open_parentheses:
        opening = open_parentheses[-1]
        raise SurfaceError(
            f"missing closing parenthesis: the '(' at column {opening.column} is never closed", opening.column
        )


class _Source:
    """The typed text, its Python spelling (^ as **), and the map between their positions."""

    def __init__(self, typed: str) -> None:
        self.typed = typed
        indent = len(typed) - len(typed.lstrip(" \t"))  # Python reads leading spaces as an indent
        self.python = typed[indent:].replace("^", "**")
        self._typed_index: list[int] = []  # python index -> typed index
        for index, character in enumerate(typed[indent:], start=indent):
            self._typed_index.extend([index, index] if character == "^" else [index])
        self._typed_index.append(len(typed))

    def typed_index(self, python_index: int) -> int:
        return self._typed_index[max(0, min(python_index, len(self._typed_index) - 1))]

    def segment(self, node: ast.AST) -> tuple[str, int]:
        """The node's text as typed and its 1-based column."""
        start = self.typed_index(node.col_offset)  # type: ignore[attr-defined]
        end = self.typed_index(node.end_col_offset or node.col_offset)  # type: ignore[attr-defined]
        return self.typed[start:end].strip(), start + 1


def _parse_tree(source: _Source) -> ast.expr:
    try:
        tree = ast.parse(source.python, mode="eval")
    except SyntaxError as error:
        python_index = (error.offset or 0) - 1
        if python_index < 0 or python_index >= len(source.python.rstrip()):
            raise SurfaceError("the formula is incomplete: something is missing at the end") from None
        index = source.typed_index(python_index)
        character = source.typed[index]
        raise SurfaceError(f"'{character}' at column {index + 1} is out of place", index + 1) from None
    except (ValueError, RecursionError, MemoryError):
        raise SurfaceError("the formula is too complex") from None
    return tree.body


def _is_operator_chain_link(parent: ast.AST, child: ast.AST) -> bool:
    """True for the left operand of a same-kind operator chain (a + b + c): no new nesting level."""
    same_kind = ((ast.Add, ast.Sub), (ast.Mult, ast.Div))
    if not (isinstance(parent, ast.BinOp) and isinstance(child, ast.BinOp) and child is parent.left):
        return False
    return any(isinstance(parent.op, kind) and isinstance(child.op, kind) for kind in same_kind)


def _check_size(tree: ast.expr, source: _Source) -> None:
    """Bound the node count and nesting depth, iteratively (no recursion on untrusted depth)."""
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.operator | ast.unaryop | ast.expr_context | ast.cmpop | ast.boolop):
            continue
        count += 1
        if count > MAX_NODES:
            raise SurfaceError(
                f"the formula is too large (at most {MAX_NODES} numbers, names and operations)"
            )
        if depth > MAX_DEPTH:
            _, column = source.segment(node) if hasattr(node, "col_offset") else ("", None)
            raise SurfaceError(f"the formula is nested too deeply (at most {MAX_DEPTH} levels)", column)
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth if _is_operator_chain_link(node, child) else depth + 1))


_REFUSED_NODES: dict[type, str] = {
    ast.Attribute: "attribute access with '.' is not allowed",
    ast.Subscript: "indexing with [ ] is not allowed",
    ast.Lambda: "'lambda' is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.NamedExpr: "':=' is not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.Compare: "comparisons are not allowed",
    ast.BoolOp: "'and' and 'or' are not allowed",
    ast.IfExp: "'if ... else' is not allowed",
    ast.List: "brackets are not allowed",
    ast.Set: "braces are not allowed",
    ast.Dict: "braces are not allowed",
    ast.Starred: "'*' before a value is not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
}
_BINARY_SYMBOLS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|"}


class _Builder:
    """Walks an allow-listed syntax tree and builds the sympy expression, checking as it goes."""

    def __init__(self, source: _Source) -> None:
        self.source = source

    def refuse(self, node: ast.AST, message: str) -> SurfaceError:
        text, column = self.source.segment(node)
        return SurfaceError(f"{message} (column {column}: {text})", column)

    def build(self, node: ast.AST, power_nesting: int = 0) -> sp.Expr:
        result = self._build_node(node, power_nesting)
        self._check_value(node, result)
        return result

    def _build_node(self, node: ast.AST, power_nesting: int) -> sp.Expr:
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            if node.id in VARIABLES:
                return VARIABLES[node.id]
            if node.id in CONSTANTS:
                return CONSTANTS[node.id]
            raise self.refuse(node, f"unknown name '{node.id}' — use x and y")
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand, power_nesting)
            if isinstance(node.op, ast.USub):
                return -operand
            if isinstance(node.op, ast.UAdd):
                return operand
            raise self.refuse(node, "this operator is not allowed")
        if isinstance(node, ast.BinOp):
            return self._binary(node, power_nesting)
        if isinstance(node, ast.Call):
            return self._call(node, power_nesting)
        if isinstance(node, ast.Tuple):
            if not node.elts:
                raise self.refuse(node, "empty parentheses ( ) are not allowed")
            raise self.refuse(
                node, "commas are only allowed between the arguments of a function, as in atan2(y, x)"
            )
        for kind, message in _REFUSED_NODES.items():
            if isinstance(node, kind):
                raise self.refuse(node, message)
        raise self.refuse(node, "this is not allowed in a formula")

    def _number(self, node: ast.Constant) -> sp.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "complex numbers" if isinstance(value, complex) else "this value"
            raise self.refuse(
                node, f"{kind} are not allowed" if kind.endswith("s") else f"{kind} is not allowed"
            )
        if not abs(value) <= MAX_LITERAL:  # also refuses inf and nan
            text, _ = self.source.segment(node)
            raise self.refuse(node, f"the number {text} is too large (at most {MAX_LITERAL:g})")
        if isinstance(value, int):
            return sp.Integer(value)
        return sp.Float(value)

    def _binary(self, node: ast.BinOp, power_nesting: int) -> sp.Expr:
        if isinstance(node.op, ast.Pow):
            return self._power(node, power_nesting)
        left = self.build(node.left, power_nesting)
        right = self.build(node.right, power_nesting)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            return left / right
        symbol = _BINARY_SYMBOLS.get(type(node.op), "this operator")
        hint = ": use / for division" if symbol == "//" else ""
        raise self.refuse(node, f"'{symbol}' is not allowed{hint}")

    def _power(self, node: ast.BinOp, power_nesting: int) -> sp.Expr:
        if power_nesting >= MAX_NESTED_POWERS:
            raise self.refuse(node, f"too many powers inside powers (at most {MAX_NESTED_POWERS} levels)")
        base = self.build(node.left, power_nesting + 1)
        exponent = self.build(node.right, power_nesting + 1)
        if not exponent.free_symbols:
            size = abs(complex(exponent.evalf(15)))
            if not size <= MAX_EXPONENT:
                exponent_text, _ = self.source.segment(node.right)
                raise self.refuse(
                    node, f"the power is too large: its exponent {exponent_text} is beyond ±{MAX_EXPONENT}"
                )
        return sp.Pow(base, exponent)

    def _call(self, node: ast.Call, power_nesting: int) -> sp.Expr:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise self.refuse(node, "only these functions can be called: " + ", ".join(FUNCTIONS))
        name = node.func.id
        if node.keywords:
            raise self.refuse(node, f"'{name}' takes no keyword arguments")
        arity, function = FUNCTIONS[name]
        if len(node.args) != arity:
            plural = "argument" if arity == 1 else "arguments"
            raise self.refuse(node, f"'{name}' needs exactly {arity} {plural}")
        arguments = [self.build(argument, power_nesting) for argument in node.args]
        return function(*arguments)

    def _check_value(self, node: ast.AST, result: sp.Expr) -> None:
        """Refuse undefined, infinite, complex or astronomically large constants where they appear."""
        if result.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise self.refuse(node, "this part has no finite value (a division by zero?)")
        if result.has(sp.I):
            raise self.refuse(node, "this part gives complex numbers (the root or log of a negative number?)")
        if result.free_symbols:
            return
        value = complex(result.evalf(15))
        if value.imag != 0 or value != value:
            raise self.refuse(node, "this part has no real value")
        if not abs(value.real) <= MAX_CONSTANT:
            raise self.refuse(node, f"this number is too large (at most {MAX_CONSTANT:g})")


def check_syntax(text: str) -> tuple[_Source, ast.expr]:
    """Passes 1 and 2: the grammar, parentheses, size and depth, without building anything.

    Pure Python on at most MAX_LENGTH characters, so the app can run it in its own process and refuse
    most bad input before the worker is involved.
    """
    text = check_text(text)
    tokens = _scan(text)
    _check_token_order(tokens)
    source = _Source(text)
    tree = _parse_tree(source)
    _check_size(tree, source)
    return source, tree


def build_expression(text: str) -> sp.Expr:
    """The sympy expression for `text`, in the real symbols X and Y, or SurfaceError saying why not.

    A function that does not depend on x or y is refused: there is nothing to optimize.
    """
    source, tree = check_syntax(text)
    expression = _Builder(source).build(tree)
    if not expression.free_symbols:
        raise SurfaceError(f"this function is constant ({expression}): it must depend on x or y")
    return expression
