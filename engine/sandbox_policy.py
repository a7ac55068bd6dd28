"""The compile-time half of the script sandbox: the RestrictedPython policy every BPMN script,
condition and expression compiles under, and the compiled-code cache.

RestrictedPython already refuses names and attributes starting with "_", frame/generator/traceback
attributes (``gi_frame``, ``f_globals``...), exec/eval, ``nonlocal``, async code and statements it
does not know. This policy also refuses imports, classes, ``with`` and ``print``, and rewrites the
code so the run-time guards in engine/sandbox_guards.py see everything that could run long or grow
large: ``while`` bodies, function and lambda entries, exception handlers (so a script cannot swallow
a limit), ``+ * ** << %`` and f-string formatting, and every operand C code will compare or hash
(comparisons, dict keys, set members, subscripts, and ``& | ^ -`` for dict views).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from functools import lru_cache
from types import CodeType
from typing import Any, Literal

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations

from engine.errors import ScriptError

Mode = Literal["eval", "exec"]

# SpiffWorkflow finds a failing script line by looking for frames of this file name in the traceback.
FILENAME = "<string>"
MAX_SOURCE_CHARS = 100_000
_MESSAGE_CHARS = 300  # RestrictedPython quotes whole statements; a message is for people


class ScriptPolicyError(ScriptError):
    """The script does something scripts may not do (found when compiling, or when it runs)."""


class ScriptLimitExceeded(ScriptError):
    """The script ran too long, nested calls too deep, or built a value or data that is too large."""


# BinOp operators whose result can be huge or slow to compute: each becomes a call to a size guard.
_GUARDED_OPERATORS: dict[type[ast.operator], str] = {
    ast.Add: "_add_",
    ast.Mult: "_mul_",
    ast.Pow: "_pow_",
    ast.LShift: "_lshift_",
    ast.Mod: "_mod_",
    ast.BitAnd: "_and_",  # these four: a dict view with any iterable hashes all its items
    ast.BitOr: "_or_",
    ast.BitXor: "_xor_",
    ast.Sub: "_sub_",
}


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])


def _bounded(node: ast.expr) -> ast.expr:
    if isinstance(node, (ast.Constant, ast.Slice, ast.Starred)):  # nothing nested to walk
        return node
    call = _call("_bounded_", node)
    copy_locations(call, node)
    return call


def _guard_statement(name: str, node: ast.stmt) -> ast.Expr:
    statement = ast.Expr(_call(name))
    copy_locations(statement, node)
    return statement


class SandboxPolicy(RestrictingNodeTransformer):
    def refuse(self, node: ast.AST, reason: str) -> None:
        self.error(node, reason)

    def visit_Import(self, node: ast.Import) -> Any:
        self.refuse(node, "import statements are not allowed; use the functions the process provides")
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        return self.visit_Import(node)  # type: ignore[arg-type]

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        self.refuse(node, "class definitions are not allowed")
        return node

    def visit_With(self, node: ast.With) -> Any:
        # Nothing a script can reach is a context manager, and __exit__ could swallow a limit.
        self.refuse(node, "with statements are not allowed")
        return node

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in ("print", "printed"):
            self.refuse(node, "print() is not available in scripts; assign the value to a variable instead")
            return node
        return super().visit_Name(node)

    def visit_While(self, node: ast.While) -> Any:
        # RestrictedPython does not hook while loops: check the deadline at the top of every iteration.
        node = self.node_contents_visit(node)
        node.body.insert(0, _guard_statement("_tick_", node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        # Recursion has no loop to hook: check the deadline and the call depth on every entry.
        function: ast.FunctionDef = super().visit_FunctionDef(node)  # type: ignore[assignment]
        function.body.insert(0, _guard_statement("_enter_", function))
        return function

    def visit_Lambda(self, node: ast.Lambda) -> Any:
        function: ast.Lambda = super().visit_Lambda(node)  # type: ignore[assignment]
        body = ast.BoolOp(op=ast.Or(), values=[_call("_enter_"), function.body])  # _enter_() returns None
        copy_locations(body, function.body)
        function.body = body
        return function

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> Any:
        # A bare except (or except Exception) must not swallow a limit or a policy violation.
        handler: ast.ExceptHandler = super().visit_ExceptHandler(node)  # type: ignore[assignment]
        statement = ast.Expr(_call("_caught_"))
        copy_locations(statement, handler.body[0])
        handler.body.insert(0, statement)
        return handler

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        guard = _GUARDED_OPERATORS.get(type(node.op))
        if guard is None:
            return node
        call = _call(guard, node.left, node.right)
        copy_locations(call, node)
        return call

    # Comparing or hashing nested containers runs in one C call that no deadline interrupts; every
    # operand that C code will compare or hash goes through ``_bounded_`` first (engine/sandbox_guards.py).

    def visit_Compare(self, node: ast.Compare) -> Any:
        node = self.node_contents_visit(node)
        if all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
            return node
        node.left = _bounded(node.left)
        node.comparators = [_bounded(operand) for operand in node.comparators]
        return node

    def visit_Dict(self, node: ast.Dict) -> Any:
        node = self.node_contents_visit(node)
        node.keys = [None if key is None else _bounded(key) for key in node.keys]  # None: **mapping
        return node

    def visit_Set(self, node: ast.Set) -> Any:
        node = self.node_contents_visit(node)
        node.elts = [_bounded(element) for element in node.elts]
        for element in node.elts:
            if isinstance(element, ast.Starred):  # {*items}: every item is hashed
                element.value = _call("_bounded_items_", element.value)
                copy_locations(element.value, element)
        return node

    def visit_SetComp(self, node: ast.SetComp) -> Any:
        comprehension: ast.SetComp = super().visit_SetComp(node)  # type: ignore[assignment]
        comprehension.elt = _bounded(comprehension.elt)
        return comprehension

    def visit_DictComp(self, node: ast.DictComp) -> Any:
        comprehension: ast.DictComp = super().visit_DictComp(node)  # type: ignore[assignment]
        comprehension.key = _bounded(comprehension.key)
        return comprehension

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        rewritten = super().visit_Subscript(node)
        if isinstance(rewritten, ast.Subscript):  # a store or delete; a load became _getitem_(), which bounds
            rewritten.slice = _bounded(rewritten.slice)
        return rewritten

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        # f"{x:>1000000000}" builds a gigabyte in one C call: the guard checks the spec first.
        node = self.node_contents_visit(node)
        spec: ast.expr = node.format_spec if node.format_spec is not None else ast.Constant(None)
        node.value = _call("_format_", node.value, ast.Constant(node.conversion), spec)
        copy_locations(node.value, node)
        node.conversion = -1
        node.format_spec = None
        return node


_LINE = re.compile(r"^Line (\d+|None): ")


def _policy_error(errors: Sequence[str]) -> ScriptPolicyError:
    problems: list[dict[str, Any]] = []
    for error in errors:
        match = _LINE.match(error)
        text = error[match.end():] if match else error
        if len(text) > _MESSAGE_CHARS:
            text = text[:_MESSAGE_CHARS] + "..."
        line = match.group(1) if match else "None"
        problems.append({"line": None if line == "None" else int(line), "message": text})
    # The line is in .line (and in .details for every problem), not repeated in the message.
    return ScriptPolicyError(problems[0]["message"], line=problems[0]["line"], details=problems)


@lru_cache(maxsize=4096)
def compile_script(source: str, mode: Mode) -> CodeType:
    """Compile under the policy, cached by (source, mode); raises ScriptPolicyError with the line."""
    if not isinstance(source, str):
        raise ScriptPolicyError(f"a script must be text, not {type(source).__name__}")
    if len(source) > MAX_SOURCE_CHARS:
        raise ScriptPolicyError(f"script is longer than {MAX_SOURCE_CHARS} characters")
    if mode == "eval":
        source = source.lstrip(" \t")  # as eval() does: expressions in XML are often indented
        compiler = compile_restricted_eval
    elif mode == "exec":
        compiler = compile_restricted_exec
    else:
        raise ValueError(f"mode must be 'eval' or 'exec', not {mode!r}")
    try:
        result = compiler(source, filename=FILENAME, policy=SandboxPolicy)
    except (RecursionError, MemoryError) as error:
        raise ScriptPolicyError("script is nested too deeply") from error
    except SyntaxError as error:  # e.g. null bytes; never let a SyntaxError reach SpiffWorkflow
        raise ScriptPolicyError(f"invalid script: {error.msg}", line=error.lineno) from None
    if result.errors:
        raise _policy_error(result.errors)
    assert result.code is not None  # no errors means RestrictedPython compiled it
    return result.code


def check_script(source: str, mode: Mode) -> None:
    """Compile ``source`` under the sandbox policy without running it.

    Raises ScriptPolicyError (``.line`` 1-based, ``.details`` every problem found) when it is refused.
    """
    compile_script(source, mode)
