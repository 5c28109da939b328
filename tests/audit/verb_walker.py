"""Reads every app's services (src/mutualise/*/services.py and services/ packages) and says, for
each public function, whether it writes to the database and whether it writes an audit event,
following calls into the same module, into functions it imports, and into other apps' services.

It reads source, not behaviour: a write is a call of an ORM or cursor writing method, an audit
event a call of `audit.record` (or `seal_ballots`, `redact_subject`, which record or reseal)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
WRITES = {
    "save",
    "create",
    "bulk_create",
    "bulk_update",
    "update",
    "delete",
    "get_or_create",
    "update_or_create",
    "execute",
    "executemany",
    "copy",
}
AUDIT = {
    ("mutualise.audit.services", "record"),
    ("mutualise.audit.services", "seal_ballots"),
    ("mutualise.audit.services", "redact_subject"),
    ("mutualise.audit.services", "reseal"),
}


@dataclass
class Function:
    module: str
    name: str
    node: ast.FunctionDef
    writes: bool = False
    calls: set = field(default_factory=set)  # (module, name)

    @property
    def qualname(self) -> str:
        return f"{self.module}.{self.name}"


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, level: int, target: str | None) -> str:
    if not level:
        return target or ""
    base = module.split(".")
    package = base if module.endswith(("services",)) and _is_package(module) else base[:-1]
    package = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join(package + ([target] if target else []))


def _is_package(module: str) -> bool:
    return (SRC / module.replace(".", "/") / "__init__.py").exists()


def services_files() -> list[Path]:
    files = []
    for app in sorted((SRC / "mutualise").iterdir()):
        single = app / "services.py"
        package = app / "services"
        if single.exists():
            files.append(single)
        if package.is_dir():
            files += sorted(package.glob("*.py"))
    return files


class Index:
    def __init__(self, extra_files=()):
        self.functions: dict[tuple[str, str], Function] = {}
        self.public: list[Function] = []
        self.reexports: dict[tuple[str, str], tuple[str, str]] = {}
        for path in [*services_files(), *extra_files]:
            self._read(path)
        for fn in self.functions.values():
            fn.calls = {self.reexports.get(c, c) for c in fn.calls}

    def _read(self, path: Path) -> None:
        module = _module_name(path)
        tree = ast.parse(path.read_text(), filename=str(path))
        aliases: dict[str, str] = {}  # local name -> module
        names: dict[str, tuple[str, str]] = {}  # local name -> (module, name)
        for node in tree.body:
            if isinstance(node, ast.Import):
                for a in node.names:
                    aliases[a.asname or a.name] = a.name
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(module, node.level, node.module)
                for a in node.names:
                    local = a.asname or a.name
                    if (
                        _is_package(f"{source}.{a.name}")
                        or (SRC / f"{source}.{a.name}".replace(".", "/"))
                        .with_suffix(".py")
                        .exists()
                    ):
                        aliases[local] = f"{source}.{a.name}"
                    else:
                        names[local] = (source, a.name)
                        self.reexports[(module, local)] = (source, a.name)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                fn = Function(module, node.name, node)
                self._scan(fn, aliases, names)
                self.functions[(module, node.name)] = fn
                if not node.name.startswith("_"):
                    self.public.append(fn)

    def _scan(self, fn: Function, aliases, names) -> None:
        for node in ast.walk(fn.node):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name):
                fn.calls.add(names.get(func.id, (fn.module, func.id)))
            elif isinstance(func, ast.Attribute):
                owner = func.value
                if isinstance(owner, ast.Name) and owner.id in aliases:
                    fn.calls.add((aliases[owner.id], func.attr))
                elif func.attr in WRITES:
                    fn.writes = True

    def _reach(self, fn: Function, seen: set) -> set:
        if fn.qualname in seen:
            return set()
        seen.add(fn.qualname)
        found = set(fn.calls)
        for call in fn.calls:
            callee = self.functions.get(call)
            if callee is not None:
                found |= self._reach(callee, seen)
        return found

    def audits(self, fn: Function) -> bool:
        return bool(self._reach(fn, set()) & AUDIT)

    def writes(self, fn: Function) -> bool:
        if fn.writes:
            return True
        return any(self.functions[c].writes for c in self._reach(fn, set()) if c in self.functions)
