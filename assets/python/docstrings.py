"""Report which public Python definitions carry a PEP 257 docstring, as JSON.

Run by quality-gates in the sandbox: ``python3 docstrings.py FILE_LIST`` where FILE_LIST
names one repository-relative .py path per line. Prints one JSON object:
``{"items": [...], "errors": [...]}``; each item has path, line, name, kind,
documented and a pydocstyle-like code (D100 module, D101 class, D102 method,
D103 function, D104 package). Public means: the name does not start with ``_``,
the enclosing class and module are public, and, when the module defines
``__all__`` as a literal list, the top-level name is listed in it. ``__init__``
is documented by its class's docstring, so it is not counted; an empty
``__init__.py`` is not counted either. Functions nested in functions are private.
"""
import ast
import json
import os
import sys


def literal_all(tree):
    """Return the names of a literal module-level ``__all__``, or None."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            try:
                return set(ast.literal_eval(node.value))
            except ValueError:
                return None
    return None


def is_accessor(node):
    """Tell whether a function is a property setter or deleter (documented by its getter)."""
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Attribute) and decorator.attr in ("setter", "deleter"):
            return True
        if isinstance(decorator, ast.Name) and decorator.id == "overload":
            return True
    return False


def module_item(path, tree):
    """Return the module's own item, or None when it is private or an empty package marker."""
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
    return {"path": path, "line": 1, "name": name, "kind": kind, "documented": documented, "code": code}


def walk(path, body, prefix, in_class, exported, items):
    """Append an item for each public class, function and method in ``body``."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name.startswith("_") or is_accessor(node):
                continue
            if exported is not None and not in_class and node.name not in exported:
                continue
            kind, code = ("method", "D102") if in_class else ("function", "D103")
        elif isinstance(node, ast.ClassDef):
            if node.name.startswith("_"):
                continue
            if exported is not None and not in_class and node.name not in exported:
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
            errors.append({"path": path, "line": getattr(error, "lineno", None) or 1, "message": str(error)})
    json.dump({"items": items, "errors": errors}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
