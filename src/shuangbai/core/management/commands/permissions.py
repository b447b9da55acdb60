"""shuangbai permissions [--role ROLE] [--json]: the permission table, as users read it."""

import json

from django.core.management.base import BaseCommand, CommandError

from shuangbai.core.models import Role
from shuangbai.core.permissions import PERMISSIONS, RULE_LABELS


class Command(BaseCommand):
    help = "列出权限表：每项权限、拥有该权限的角色、对象规则（不在范围内一律 404）"

    def add_arguments(self, parser):
        parser.add_argument("--role", help="只列出该角色拥有的权限，如 worker")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")

    def handle(self, *args, role=None, as_json=False, **options):
        if role is not None and role not in Role.values:
            raise CommandError(f"未知角色“{role}”，可选：{', '.join(Role.values)}。")
        rows = [p for p in PERMISSIONS.values() if role is None or role in p.roles]
        if as_json:
            self.stdout.write(_json(rows))
            return
        for p in rows:
            roles = "、".join(Role(r).label for r in Role if r in p.roles)
            gate = f"（无“{PERMISSIONS[p.seen_with].label}”者 404）" if p.seen_with else ""
            self.stdout.write(f"{p.name:<26} {p.label}\n{'':<26} {roles}；{RULE_LABELS[p.rule]}{gate}")


def _json(rows) -> str:
    return json.dumps(
        [
            {
                "name": p.name,
                "label": p.label,
                "roles": sorted(p.roles),
                "rule": p.rule,
                "seen_with": p.seen_with,
            }
            for p in rows
        ],
        ensure_ascii=False,
        indent=1,
    )
