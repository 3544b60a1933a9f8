"""Problem categories (问题类别): a default taxonomy from practice, or your own, many levels deep.

A category has a stable ``code`` (stored with each problem), a Chinese
``label`` (what ledgers show) and an optional parent. Codes and labels are both
unique, so a ledger cell holding either finds its category.

>>> DEFAULT_TAXONOMY.parse("融资").code
'financing'
>>> own = Taxonomy.from_mapping({
...     "financing": {"label": "融资问题", "children": {
...         "loan_renewal": {"label": "续贷"},
...         "guarantee_chain": {"label": "担保链"},
...     }},
...     "land": {"label": "用地问题"},
... })
>>> [c.code for c in own.ancestors("loan_renewal")]
['loan_renewal', 'financing']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from jinjiecu.domain.validation import (
    as_tuple,
    check,
    free_text,
    is_instance,
    name_text,
    optional,
    tuple_of,
)
from jinjiecu.errors import ValidationError

__all__ = ["DEFAULT_TAXONOMY", "Category", "Taxonomy"]

_CODE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


def _category_code(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check(
        isinstance(value, str) and _CODE.fullmatch(value) is not None,
        field=attribute.name,
        expected="a code of lowercase letters, digits, '_', '.' or '-' (at most 64)",
        received=value,
    )


@attrs.frozen(kw_only=True)
class Category:
    """One category: ``code`` (stored), ``label`` (Chinese, shown), ``label_en``, ``parent``."""

    code: str = attrs.field(validator=_category_code)
    label: str = attrs.field(validator=name_text(50))
    label_en: str = attrs.field(default="", validator=free_text(100))
    parent: str | None = attrs.field(default=None, validator=optional(_category_code))


@attrs.frozen(kw_only=True)
class Taxonomy:
    """A tree of categories, checked when made.

    Codes and labels are unique, every parent exists, and there are no cycles.
    """

    categories: tuple[Category, ...] = attrs.field(
        converter=as_tuple,
        validator=tuple_of(is_instance(Category, "a Category"), min_length=1),
    )
    _by_code: dict[str, Category] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        by_code: dict[str, Category] = {}
        labels: set[str] = set()
        for category in self.categories:
            check(
                category.code not in by_code,
                field="categories",
                expected="unique codes",
                received=category.code,
            )
            check(
                category.label not in labels,
                field="categories",
                expected="unique labels",
                received=category.label,
            )
            by_code[category.code] = category
            labels.add(category.label)
        for category in self.categories:
            seen = {category.code}
            parent = category.parent
            while parent is not None:
                check(
                    parent in by_code,
                    field="categories",
                    expected=f"an existing parent for {category.code!r}",
                    received=parent,
                )
                check(
                    parent not in seen,
                    field="categories",
                    expected="a tree without cycles",
                    received=category.code,
                )
                seen.add(parent)
                parent = by_code[parent].parent
        object.__setattr__(self, "_by_code", by_code)

    @classmethod
    def from_mapping(cls, tree: Mapping[str, Any]) -> Taxonomy:
        """Build a taxonomy from nested mappings, e.g. loaded from JSON or YAML.

        Each key is a code; each value holds ``label``, optionally ``label_en``
        and ``children`` (the same shape again).
        """
        categories: list[Category] = []

        def walk(level: Mapping[str, Any], parent: str | None) -> None:
            if not isinstance(level, Mapping):
                raise ValidationError(
                    field="children", expected="a mapping of code to category", received=level
                )
            for code, spec in level.items():
                if not isinstance(spec, Mapping) or "label" not in spec:
                    raise ValidationError(
                        field=str(code), expected="a mapping with a 'label'", received=spec
                    )
                categories.append(
                    Category(
                        code=code,
                        label=spec["label"],
                        label_en=spec.get("label_en", ""),
                        parent=parent,
                    )
                )
                walk(spec.get("children", {}), code)

        walk(tree, None)
        return cls(categories=categories)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Category]:
        return iter(self.categories)

    def __len__(self) -> int:
        return len(self.categories)

    def get(self, code: str) -> Category:
        """Return the category with ``code``, or raise a validation error listing the codes."""
        try:
            return self._by_code[code]
        except (KeyError, TypeError):
            raise ValidationError(
                field="category",
                expected=f"a category code of this taxonomy ({', '.join(self._by_code)})",
                received=code,
            ) from None

    def parse(self, text: str) -> Category:
        """Find a category by code or Chinese label, as typed in a ledger cell."""
        key = unicodedata.normalize("NFKC", text).strip() if isinstance(text, str) else text
        for category in self.categories:
            if key in (category.code, category.label):
                return category
        raise ValidationError(
            field="category",
            expected="a category label or code: "
            + "、".join(category.label for category in self.categories),
            received=text,
        )

    def ancestors(self, code: str) -> tuple[Category, ...]:
        """The category itself, then its parent, and so on up to its root."""
        chain = [self.get(code)]
        while chain[-1].parent is not None:
            chain.append(self._by_code[chain[-1].parent])
        return tuple(chain)

    def root(self, code: str) -> Category:
        """The top-level category that ``code`` belongs to (itself if it is top-level)."""
        return self.ancestors(code)[-1]

    def children(self, code: str | None) -> tuple[Category, ...]:
        """The direct children of ``code``; ``None`` gives the top-level categories."""
        if code is not None:
            self.get(code)
        return tuple(category for category in self.categories if category.parent == code)


DEFAULT_TAXONOMY = Taxonomy(
    categories=[
        Category(
            code="production_operation", label="生产经营", label_en="production and operation"
        ),
        Category(code="project_construction", label="项目建设", label_en="project construction"),
        Category(
            code="environmental_governance", label="环保治理", label_en="environmental governance"
        ),
        Category(code="financing", label="融资", label_en="financing"),
        Category(code="land_use", label="土地使用", label_en="land use"),
        Category(code="policy_fulfilment", label="政策兑现", label_en="policy fulfilment"),
        Category(code="planning_adjustment", label="规划调整", label_en="planning adjustment"),
        Category(code="approval_procedures", label="审批手续", label_en="approval procedures"),
        Category(
            code="resource_integration", label="资源整合盘活", label_en="resource integration"
        ),
        Category(code="talent_labour", label="人才用工", label_en="talent and labour"),
        Category(code="infrastructure", label="基础设施", label_en="infrastructure"),
        Category(code="other", label="其他", label_en="other"),
    ]
)
"""The twelve categories offices use most, from the practice the glossary describes."""
