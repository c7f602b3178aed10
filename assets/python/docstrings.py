"""Report which public Python definitions carry a PEP 257 docstring, as JSON.

Run by quality-gates in the sandbox: ``python3 docstrings.py FILE_LIST``
where FILE_LIST names one repository-relative .py path per line. Prints
``{"items": [...], "errors": [...]}``; each item has path, line, name, kind,
documented and a pydocstyle-like code (D100 module, D101 class, D102 method,
D103 function, D104 package). Public means: the name does not start with ``_``,
the enclosing class and module are public, and, when the module defines
``__all__`` as a literal list, the top-level name is listed in it. ``__init__``
is documented by its class's docstring, so it is not counted; an empty
``__init__.py`` is not counted either. Functions nested in functions are
private.
"""
import ast
import json
import os
import sys


def literal_all(tree):
    """Return the names of a literal module-level ``__all__``, or None."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__"
            for target in node.targets
        ):
            try:
                return set(ast.literal_eval(node.value))
            except ValueError:
                return None
    return None


def is_accessor(node):
    """Tell whether a function is a setter, deleter or overload stub."""
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Attribute) and decorator.attr in (
            "setter",
            "deleter",
        ):
            return True
        if isinstance(decorator, ast.Name) and decorator.id == "overload":
            return True
    return False


def module_item(path, tree):
    """Return the module's item, or None for a private or empty module."""
    base = os.path.basename(path)
    if base == "__init__.py":
        if not tree.body:
            return None
        kind, code = "package", "D104"
    elif base.startswith("_"):
        return None
    else:
        kind, code = "module", "D100"
    name = os.path.splitext(path)[0].replace(os.sep, ".").replace("/", ".")
    if name.endswith(".__init__"):
        name = name[: -len(".__init__")]
    documented = ast.get_docstring(tree) is not None
    return {
        "path": path,
        "line": 1,
        "name": name,
        "kind": kind,
        "documented": documented,
        "code": code,
    }


def listed(name, in_class, exported):
    """Tell whether a top-level name is exported (true without __all__)."""
    return exported is None or in_class or name in exported


def walk(path, body, prefix, in_class, exported, items):
    """Append an item for each public class, function and method."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name.startswith("_") or is_accessor(node):
                continue
            if not listed(node.name, in_class, exported):
                continue
            kind, code = "function", "D103"
            if in_class:
                kind, code = "method", "D102"
        elif isinstance(node, ast.ClassDef):
            if node.name.startswith("_"):
                continue
            if not listed(node.name, in_class, exported):
                continue
            kind, code = "class", "D101"
        else:
            continue
        name = prefix + node.name
        items.append({
            "path": path,
            "line": node.lineno,
            "name": name,
            "kind": kind,
            "documented": ast.get_docstring(node) is not None,
            "code": code,
        })
        if isinstance(node, ast.ClassDef):
            walk(path, node.body, name + ".", True, exported, items)


def examine(path):
    """Return the items of one file."""
    with open(path, "rb") as handle:
        tree = ast.parse(handle.read(), filename=path)
    items = []
    module = module_item(path, tree)
    if module is None and not os.path.basename(path) == "__init__.py":
        return items
    if module is not None:
        items.append(module)
    walk(path, tree.body, "", False, literal_all(tree), items)
    return items


def main(list_file):
    """Print the JSON report for the files named in ``list_file``."""
    with open(list_file, encoding="utf-8") as handle:
        paths = [line.strip() for line in handle if line.strip()]
    items, errors = [], []
    for path in paths:
        try:
            items.extend(examine(path))
        except (SyntaxError, ValueError, OSError) as error:
            line = getattr(error, "lineno", None) or 1
            errors.append({"path": path, "line": line, "message": str(error)})
    json.dump({"items": items, "errors": errors}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
