"""Loading a region tree. All-or-nothing: any bad row names its line and nothing is loaded."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .models import CODE_LENGTH, LEVEL_ORDER, Level, Region

LEVEL_NAMES = {level.value: level for level in Level} | {level.label: level for level in Level}


class RegionLoadError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class RegionRow:
    line: int
    code: str
    name: str
    parent_code: str
    level: str = ""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def level_from_code(code: str) -> Level:
    """The level a well-formed statistical division code implies by its trailing zeros."""
    if code[2:] == "0" * 10:
        return Level.PROVINCE
    if code[4:] == "0" * 8:
        return Level.CITY
    if code[6:] == "0" * 6:
        return Level.COUNTY
    if code[9:] == "000":
        return Level.TOWN
    return Level.VILLAGE


def read_region_csv(source: str | Path | bytes) -> list[RegionRow]:
    """Rows of a CSV with columns code, name, parent_code[, level]; UTF-8 (with or without BOM) or GBK."""
    raw = Path(source).read_bytes() if isinstance(source, str | Path) else source
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    reader = csv.DictReader(io.StringIO(text))
    missing = {"code", "name", "parent_code"} - set(reader.fieldnames or [])
    if missing:
        raise RegionLoadError(
            [f"第1行：表头缺少列 {', '.join(sorted(missing))}（需要 code,name,parent_code[,level]）"]
        )
    rows = []
    for line, record in enumerate(reader, start=2):
        if not any((value or "").strip() for value in record.values()):
            continue
        rows.append(
            RegionRow(
                line=line,
                code=(record.get("code") or "").strip(),
                name=(record.get("name") or "").strip(),
                parent_code=(record.get("parent_code") or "").strip(),
                level=(record.get("level") or "").strip(),
            )
        )
    return rows


def _validate(rows: list[RegionRow]) -> tuple[list[str], dict[str, Level]]:
    errors: list[str] = []
    levels: dict[str, Level] = {}
    seen: dict[str, int] = {}
    for row in rows:
        where = f"第{row.line}行"
        if not (len(row.code) == CODE_LENGTH and row.code.isdigit()):
            errors.append(f"{where}：区划代码“{row.code}”应为{CODE_LENGTH}位数字")
            continue
        if row.code in seen:
            errors.append(f"{where}：区划代码 {row.code} 与第{seen[row.code]}行重复")
            continue
        seen[row.code] = row.line
        if not row.name:
            errors.append(f"{where}：名称为空")
        implied = level_from_code(row.code)
        if row.level:
            given = LEVEL_NAMES.get(row.level)
            if given is None:
                errors.append(f"{where}：层级“{row.level}”无法识别（应为 province/city/county/town/village）")
                continue
            levels[row.code] = given
        else:
            levels[row.code] = implied
    if errors:
        return errors, levels
    existing = dict(
        Region.objects.filter(code__in={r.parent_code for r in rows}).values_list("code", "level")
    )
    for row in rows:
        where = f"第{row.line}行"
        level = levels[row.code]
        if not row.parent_code:
            if level != Level.PROVINCE:
                errors.append(f"{where}：{row.name}（{row.code}）不是省级，却没有上级代码")
            continue
        parent_level = levels.get(row.parent_code) or existing.get(row.parent_code)
        if parent_level is None:
            errors.append(f"{where}：上级代码 {row.parent_code} 在文件和系统中都不存在")
            continue
        if LEVEL_ORDER.index(Level(parent_level)) >= LEVEL_ORDER.index(level):
            errors.append(
                f"{where}：{row.name} 的层级（{level.label}）不低于其上级（{Level(parent_level).label}）"
            )
            continue
        parent_prefix = Region.prefix_for(row.parent_code, parent_level)
        if not row.code.startswith(parent_prefix):
            errors.append(f"{where}：区划代码 {row.code} 不以上级代码前缀 {parent_prefix} 开头")
    return errors, levels


@transaction.atomic
def regions_load(rows: Iterable[RegionRow], *, fictional: bool = False) -> LoadResult:
    """Create or update the given regions, parents before children. Idempotent."""
    rows = list(rows)
    errors, levels = _validate(rows)
    if errors:
        raise RegionLoadError(errors)
    result = LoadResult()
    by_level: dict[Level, list[RegionRow]] = {level: [] for level in LEVEL_ORDER}
    for row in rows:
        by_level[levels[row.code]].append(row)
    for level in LEVEL_ORDER:
        batch = by_level[level]
        if not batch:
            continue
        codes = [row.code for row in batch] + [row.parent_code for row in batch if row.parent_code]
        known = {region.code: region for region in Region.objects.filter(code__in=codes)}
        to_create, to_update = [], []
        for row in batch:
            parent = known.get(row.parent_code)
            wanted = {
                "name": row.name,
                "level": level.value,
                "parent_id": parent.pk if parent else None,
                "prefix": Region.prefix_for(row.code, level),
            }
            region = known.get(row.code)
            if region is None:
                to_create.append(Region(code=row.code, fictional=fictional, **wanted))
            elif any(getattr(region, key) != value for key, value in wanted.items()):
                for key, value in wanted.items():
                    setattr(region, key, value)
                to_update.append(region)
            else:
                result.unchanged += 1
        Region.objects.bulk_create(to_create, batch_size=2000)
        Region.objects.bulk_update(to_update, ["name", "level", "parent_id", "prefix"], batch_size=2000)
        result.created += len(to_create)
        result.updated += len(to_update)
    return result
