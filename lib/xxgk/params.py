"""The params file of a report: who publishes it, when, and the narrative of sections 一, 五, 六.

``params/<township>/<year>.yaml`` is also a papermill parameters file: its ``township`` and
``year`` are the notebook's parameters, the rest is read by the kit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from .catalogue import message
from .findings import Finding, finding


class Loader(yaml.SafeLoader):
    """PyYAML's safe loader, with dates left as the text they are written as.

    YAML 1.1 builds a date from anything shaped like ``2022-02-30`` while parsing, and an impossible
    one escaped ``yaml.safe_load`` as a bare ValueError (no file, no line); and an analyst's
    ``2021年1月26日`` was never a YAML date anyway.  :class:`Params` reads every form itself.
    """

    def construct_object(self, node, deep=False):
        # An explicit tag on text it cannot convert (``!!int abc``) raises ValueError from deep in
        # the constructor; say where, as for any other YAML error.
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(None, None, str(exc), node.start_mark) from None


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_constructor(_TIMESTAMP, yaml.SafeLoader.construct_yaml_str)  # ``!!timestamp 2021-01-26`` too

#: 2021-01-26, 2021-1-26, 2021/1/26, 2021.1.26 (one separator throughout) and 2021年1月26日, after
#: full-width digits and separators are made half-width and spaces dropped.
_DATE = re.compile(r"([0-9]{4})(?:([-/.])([0-9]{1,2})\2([0-9]{1,2})|年([0-9]{1,2})月([0-9]{1,2})日)", re.ASCII)


def parse_date(text: str) -> dt.date:
    """The date ``text`` names, in any of the forms analysts write; PydanticCustomError otherwise."""
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    m = _DATE.fullmatch(compact)
    if not m:
        raise PydanticCustomError("date_form", "not a date in an accepted form")
    year, month, day = (int(x) for x in (m.group(1), m.group(3) or m.group(5), m.group(4) or m.group(6)))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise PydanticCustomError("date_impossible", "no such date") from None


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    township: StrictStr = Field(description="乡/镇/街道 name, as in the data file's name")
    year: int = Field(description="reporting year, e.g. 2020", ge=2019, le=2100)
    body: StrictStr = Field(description="publishing body, e.g. 红旗满族乡人民政府")
    publish_date: dt.date = Field(description="date printed under the body's name")
    #: Optional township code; a string, since YAML would strip the leading zeros of a number.
    code: StrictStr | None = None
    #: Overrides the format a year uses by default (some bodies kept the 2019 layout later).
    format: StrictStr | None = None
    title: StrictStr | None = None
    preamble: StrictStr | None = None
    overview: StrictStr | None = Field(None, description="一、总体情况 (Markdown)")
    problems: StrictStr | None = Field(None, description="五、存在的主要问题及改进情况 (Markdown)")
    other: StrictStr | None = Field(None, description="六、其他需要报告的事项 (Markdown)")
    contact: StrictStr | None = Field(None, description="contact paragraph, printed at the end of 六")

    @field_validator("format")
    @classmethod
    def _known_format(cls, v: str | None) -> str | None:
        from . import spec

        if v is not None and v not in spec.versions():
            raise ValueError("unknown_format")
        return v

    @field_validator("year", mode="before")
    @classmethod
    def _plain_year(cls, v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, (int, str)) or (isinstance(v, str) and not v.strip().isascii()):
            raise ValueError("year_digits")
        return v

    @field_validator("publish_date", mode="before")
    @classmethod
    def _written_date(cls, v: Any) -> Any:
        if isinstance(v, str):
            return parse_date(v)
        if isinstance(v, dt.date):  # given from Python; a datetime is pydantic's to judge
            return v
        # Not a number either: pydantic would read 20210126 as seconds since 1970.
        raise PydanticCustomError("date_form", "not a date in an accepted form")


@dataclass
class LoadedParams:
    params: Params | None
    findings: list[Finding]
    sha256: str | None = None
    #: Where each field stands in the file, so a check can point at the line of a phrase.
    fields: dict[str, FieldPosition] = field(default_factory=dict)


@dataclass(frozen=True)
class FieldPosition:
    """Where a top-level field stands in the params file, so a message can point at it."""

    key_line: int
    #: First line of the value's text (the line after the key for a ``|`` or ``>`` block).
    value_line: int
    #: A ``|`` block: the text's lines are the file's lines, one to one.
    literal_block: bool
    #: The value as written, for scalars (``0105`` where YAML read the number 69).
    written: str | None


def field_positions(text: str | None) -> dict[str, FieldPosition]:
    if not text:
        return {}
    try:
        node = yaml.compose(text, Loader=Loader)
    except (yaml.YAMLError, RecursionError):
        return {}
    return _positions(node)


def _parse(text: str) -> tuple[Any, dict[str, FieldPosition]]:
    """The file's data and where its fields are, from one parse: ``yaml.load`` composes the same
    node tree and constructs from it.  Positions are read first, as the constructor rewrites a
    mapping's nodes in place for merge keys (``<<``)."""
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        fields = _positions(node)
        return (loader.construct_document(node) if node is not None else None), fields
    finally:
        loader.dispose()


def _positions(node: yaml.Node | None) -> dict[str, FieldPosition]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    out = {}
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode):
            scalar = isinstance(value, yaml.ScalarNode)
            block = scalar and value.style in ("|", ">")
            out[key.value] = FieldPosition(
                key_line=key.start_mark.line + 1,
                value_line=value.start_mark.line + (2 if block else 1),
                literal_block=scalar and value.style == "|",
                written=value.value if scalar else None,
            )
    return out


def load_params(path: Path, display_name: str | None = None) -> LoadedParams:
    name = display_name or str(path)

    def err(code: str, variant: str, args: dict | None = None, **kw) -> Finding:
        return finding(code, variant, args=args, file=name, **kw)

    try:
        raw = path.read_bytes()
    except OSError as exc:
        return LoadedParams(None, [err("E-PARAMS-READ", "os", {"reason": exc.strerror or str(exc)})])
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return LoadedParams(None, [err("E-PARAMS-ENCODING", "not_utf8")], digest)
    try:
        data, fields = _parse(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        return LoadedParams(None, [err("E-PARAMS-YAML", "invalid", {"problem": problem}, line=line)], digest)
    except RecursionError:  # brackets nested thousands deep: PyYAML's parser recurses per level
        return LoadedParams(None, [err("E-PARAMS-YAML", "too_deep")], digest)
    if not isinstance(data, dict):
        return LoadedParams(None, [err("E-PARAMS-YAML", "not_mapping")], digest)
    try:
        return LoadedParams(Params.model_validate(data), [], digest, fields)
    except ValidationError as exc:
        findings = []
        for e in exc.errors():
            field_name = ".".join(str(p) for p in e["loc"]) or "(file)"
            top = str(e["loc"][0]) if e["loc"] else ""
            line = fields[top].key_line if top in fields else None
            if e["type"] == "missing":
                f = err("E-PARAMS-MISSING", "missing", {"field": field_name}, line=line)
            elif e["type"] == "extra_forbidden":
                f = err("E-PARAMS-FIELD", "unknown", {"field": field_name, "known": ", ".join(Params.model_fields)},
                        line=line)
            else:
                got = e.get("input")
                written = fields[top].written if top in fields else None
                if field_name == "code" and isinstance(got, int):
                    # YAML 1.1 reads 0105 as the octal number 69, and 0109 as 109 in other readers.
                    f = err("E-PARAMS-TYPE", "code_number", {"written": written or got, "got": got}, line=line)
                else:
                    f = err("E-PARAMS-TYPE", "invalid", {"field": field_name, "problem": _problem(e), "got": repr(got)},
                            line=line)
            findings.append(replace(f, values={"field": field_name}))
        return LoadedParams(None, findings, digest, fields)


#: pydantic's error types, in the analyst's words (others keep pydantic's English).
_PROBLEMS = {
    "date_type": "date", "date_parsing": "date", "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date", "date_form": "date", "date_impossible": "date_impossible", "int_parsing": "integer", "int_type": "integer",
    "int_from_float": "integer", "string_type": "text",
    "greater_than_equal": "range", "less_than_equal": "range",
}


def _problem(e) -> object:
    if e["type"] == "value_error" and "year_digits" in str(e.get("msg", "")):
        return message("E-PARAMS-TYPE", "year_digits")
    if e["type"] == "value_error" and "unknown_format" in str(e.get("msg", "")):
        from . import spec

        return message("E-PARAMS-TYPE", "version", known=" / ".join(f'"{v}"' for v in spec.versions()))
    variant = _PROBLEMS.get(e["type"])
    return message("E-PARAMS-TYPE", variant) if variant else e["msg"]
