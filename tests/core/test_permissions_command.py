"""`shuangbai permissions` prints the one table: who may do what."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shuangbai.core.permissions import PERMISSIONS, RULE_LABELS


def test_the_table_as_text_names_every_permission_with_its_roles():
    out = StringIO()
    call_command("permissions", stdout=out)
    text = out.getvalue()
    for permission in PERMISSIONS.values():
        assert permission.name in text and permission.label in text
    # who may hand out goods: the station's head and workers, at their own holding
    line = text.split("batch.hand_out")[1].split("\n")[1]
    assert "站长、社工；本单位持有的物资" in line and "民政局" not in line


def test_a_role_s_permissions_as_json():
    out = StringIO()
    call_command("permissions", "--role", "viewer", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    names = {row["name"] for row in rows}
    assert "coverage.view" in names and "beneficiary.view" not in names
    assert all("viewer" in row["roles"] for row in rows)
    assert set(RULE_LABELS) >= {row["rule"] for row in rows}


def test_an_unknown_role_is_named_in_chinese():
    with pytest.raises(CommandError, match="未知角色“boss”"):
        call_command("permissions", "--role", "boss")
