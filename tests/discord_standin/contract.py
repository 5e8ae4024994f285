"""Discord's published contract for request bodies: its OpenAPI schema, plus the documented limits it omits.

Every REST request with a body is checked before its handler runs. The schema part is Discord's own
`spec/openapi.json` (vendored unmodified; see `spec/SOURCE.md`), validated with jsonschema and `referencing` for the
`$ref`s. The rules Discord documents but does not encode in that schema live in :mod:`.limits`. A refused request is
answered as Discord answers it: HTTP 400, ``{"code": 50035, "message": "Invalid Form Body", "errors": {...}}``, the
errors nested by field path, each leaf ``{"_errors": [{"code": ..., "message": ...}]}``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from .limits import Violation, documented_violations

JSON = dict[str, Any]
SPEC_PATH = Path(__file__).parent / "spec" / "openapi.json"
SPEC_URI = "urn:discord:openapi"
INVALID_FORM_BODY = 50035


@dataclass(frozen=True)
class Operation:
    method: str
    spec_path: str  # e.g. /interactions/{interaction_id}/{interaction_token}/callback
    pattern: re.Pattern[str]
    literal_segments: int  # more literal segments win: /messages/@original before /messages/{message_id}
    schema_pointer: str | None  # JSON pointer to the application/json request schema


@dataclass(frozen=True)
class Refusal:
    """A request the stand-in refused as Discord would (HTTP 400, code 50035)."""

    method: str
    path: str
    body: Any
    violations: tuple[Violation, ...]

    def response_body(self) -> JSON:
        return {"code": INVALID_FORM_BODY, "message": "Invalid Form Body", "errors": nest(self.violations)}

    def __str__(self) -> str:
        listed = "; ".join(f"{'.'.join(map(str, v.path)) or '<body>'}: {v.code} {v.message}" for v in self.violations)
        return f"{self.method} {self.path}: {listed}"


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class Contract:
    """The request-body contract of Discord's REST API v10."""

    def __init__(self, spec: JSON) -> None:
        self.spec = spec
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(spec))
        self.operations: list[Operation] = []
        for spec_path, item in spec["paths"].items():
            segments = spec_path.strip("/").split("/")
            regex = "/".join("[^/]+" if s.startswith("{") else re.escape(s) for s in segments)
            literal = sum(not s.startswith("{") for s in segments)
            for method, operation in item.items():
                if not isinstance(operation, dict) or method == "parameters":
                    continue
                content = operation.get("requestBody", {}).get("content", {})
                pointer = None
                if "application/json" in content:
                    pointer = "/".join(["#", "paths", _escape(spec_path), method, "requestBody", "content",
                                        _escape("application/json"), "schema"])
                self.operations.append(Operation(method.upper(), spec_path, re.compile(f"/{regex}"), literal,
                                                 pointer))
        self.operations.sort(key=lambda op: -op.literal_segments)

    def operation(self, method: str, path: str) -> Operation | None:
        """The spec's operation for a concrete request path (``/channels/12/messages``)."""
        for op in self.operations:
            if op.method == method and op.pattern.fullmatch(path):
                return op
        return None

    @functools.cache  # noqa: B019 - one Contract per process; validators are costly to build
    def _validator(self, pointer: str) -> Draft202012Validator:
        return Draft202012Validator({"$ref": SPEC_URI + pointer}, registry=self.registry)

    def check(self, method: str, path: str, body: Any, context: JSON | None = None) -> Refusal | None:
        """Why Discord would refuse this request body, or None. ``context`` carries what the body alone does not
        say (the interaction's type, for a callback)."""
        if body is None:
            return None
        op = self.operation(method, path)
        violations: list[Violation] = []
        if op is not None and op.schema_pointer is not None:
            errors = self._validator(op.schema_pointer).iter_errors(body)
            violations.extend(_violation(e) for e in _leaves(errors, body))
        if not violations and op is not None:
            violations.extend(documented_violations(method, op.spec_path, body, context or {}))
        if not violations:
            return None
        return Refusal(method, path, body, tuple(violations))


def _as_discord_reads_it(spec: JSON) -> JSON:
    """The one place the stand-in is looser than the file: Discord reads a snowflake sent as a JSON integer (the
    schema says string), and discord.py sends ids that way (``allowed_mentions.roles``, ``recipient_id``)."""
    schemas = spec["components"]["schemas"]
    schemas["SnowflakeType"] = {"anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]}
    return spec


@functools.cache
def contract() -> Contract:
    """The contract, parsed once per process (the spec is 1.2 MB)."""
    return Contract(_as_discord_reads_it(json.loads(SPEC_PATH.read_text(encoding="utf-8"))))


# ---- jsonschema errors → Discord's error shape ------------------------------------------------------------------

def _discriminated(error: ValidationError, instance: Any) -> list[ValidationError] | None:
    """For a union (oneOf/anyOf) error, the errors of the branch the instance meant, or None if no branch fits.

    Discord's unions are discriminated by ``type``: a branch whose own ``type`` enum matches is the one meant.
    Otherwise the branch with the fewest errors is the best explanation.
    """
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(int(sub.schema_path[0]), []).append(sub)
    if not branches:
        return None
    # A branch failing only because it does not allow null (or the instance's type) is not the one meant.
    meant = {i: errs for i, errs in branches.items()
             if not any(e.validator in ("type", "enum") and list(e.relative_path) in ([], ["type"]) for e in errs)}
    pool = meant or branches
    return min(pool.values(), key=len)


def _only_wrong_type(error: ValidationError) -> bool:
    """Every branch of a union refused the instance for its JSON type alone."""
    return all(e.validator == "type" and not e.relative_path for e in error.context or [])


def _leaves(errors: Iterable[ValidationError], body: Any) -> Iterator[ValidationError]:
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context and not _only_wrong_type(error):
            chosen = _discriminated(error, error.instance)
            if chosen:
                yield from _leaves(chosen, body)
                continue
        yield error


def _violation(error: ValidationError) -> Violation:
    path = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator
    if kind in ("maxLength", "maxItems"):
        return Violation(path, "BASE_TYPE_MAX_LENGTH", f"Must be {schema[kind]} or fewer in length.")
    if kind in ("minLength", "minItems"):
        return Violation(path, "BASE_TYPE_MIN_LENGTH", f"Must be {schema[kind]} or more in length.")
    if kind == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        return Violation(path + tuple(missing[:1]), "BASE_TYPE_REQUIRED", "This field is required")
    if kind in ("enum", "const"):
        return Violation(path, "BASE_TYPE_CHOICES", f"Value must be one of {schema.get(kind)!r}.")
    if kind in ("minimum", "maximum"):
        return Violation(path, "NUMBER_TYPE_MIN" if kind == "minimum" else "NUMBER_TYPE_MAX",
                         f"int value should be {'greater' if kind == 'minimum' else 'less'} than or equal to "
                         f"{schema[kind]}.")
    if kind in ("oneOf", "anyOf"):
        wanted = sorted({str(e.schema.get("type")) for e in error.context or [] if isinstance(e.schema, dict)})
        return Violation(path, "BASE_TYPE_TYPE", f"Value {error.instance!r} is not of type {' or '.join(wanted)}.")
    if kind == "type":
        return Violation(path, "BASE_TYPE_TYPE", f"Value {error.instance!r} is not of type {schema.get('type')!r}.")
    return Violation(path, "BASE_TYPE_INVALID", error.message[:200])


def nest(violations: Sequence[Violation]) -> JSON:
    """Discord's nested ``errors`` object: one key per path element, ``_errors`` at the leaf."""
    tree: JSON = {}
    for violation in violations:
        node = tree
        for key in violation.path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": violation.code, "message": violation.message})
    return tree


__all__ = ["INVALID_FORM_BODY", "Contract", "Refusal", "Violation", "contract", "nest"]
