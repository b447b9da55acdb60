"""`submit`: a posted form through its service, the service's errors back on the form that has the field."""

from __future__ import annotations

from unittest.mock import Mock

import pytest
from django import forms
from django.core.exceptions import ValidationError

from shuangbai.core.forms import submit


class NameForm(forms.Form):
    name = forms.CharField()


class AddressForm(forms.Form):
    address = forms.CharField()


def refusing(error: ValidationError):
    def run(data):
        raise error

    return run


def test_the_service_gets_the_cleaned_data_and_its_value_comes_back():
    form = NameForm({"name": "  张三 "})
    done = submit(form, lambda data: f"saved {data['name']}")
    assert done
    assert done.value == "saved 张三"


def test_a_service_returning_nothing_is_still_done():
    done = submit(NameForm({"name": "张三"}), lambda data: None)
    assert done and done.value is None


def test_a_service_error_of_a_field_goes_on_that_field():
    form = NameForm({"name": "张三"})
    done = submit(form, refusing(ValidationError({"name": "已有同名的人员。"})))
    assert not done
    assert form.errors == {"name": ["已有同名的人员。"]}
    assert form.non_field_errors() == []


def test_a_service_error_of_no_field_goes_on_the_form():
    form = NameForm({"name": "张三"})
    done = submit(form, refusing(ValidationError("此记录已被他人修改，请刷新后重试。")))
    assert not done
    assert form.non_field_errors() == ["此记录已被他人修改，请刷新后重试。"]
    assert "name" not in form.errors


def test_a_service_error_of_a_field_no_form_has_goes_on_the_form():
    form = NameForm({"name": "张三"})
    submit(form, refusing(ValidationError({"village": "不在本站范围内。"})))
    assert form.non_field_errors() == ["不在本站范围内。"]


def test_a_service_error_naming_a_field_of_another_form_goes_on_that_form():
    form, other = NameForm({"name": "张三"}), AddressForm({"address": "一巷1号"})
    done = submit(form, refusing(ValidationError({"address": "地址重复。", "name": "重名。"})), other)
    assert not done
    assert other.errors == {"address": ["地址重复。"]}
    assert form.errors == {"name": ["重名。"]}


def test_an_invalid_form_never_calls_the_service():
    run = Mock()
    form = NameForm({"name": ""})
    assert not submit(form, run)
    run.assert_not_called()
    assert "name" in form.errors


def test_an_invalid_other_form_never_calls_the_service_and_every_form_is_checked():
    run = Mock()
    form, other = NameForm({"name": ""}), AddressForm({"address": ""})
    assert not submit(form, run, other)
    run.assert_not_called()
    assert "name" in form.errors and "address" in other.errors


def test_an_unbound_form_is_not_submitted():
    run = Mock()
    form = NameForm()
    assert not submit(form, run)
    run.assert_not_called()
    assert form.errors == {}


def test_any_other_exception_of_the_service_goes_up():
    with pytest.raises(RuntimeError):
        submit(NameForm({"name": "张三"}), refusing(RuntimeError("boom")))


def test_a_formset_posted_with_the_form_must_be_valid_and_takes_no_service_error():
    rows = forms.formset_factory(AddressForm, extra=0, min_num=1)
    run = Mock()
    bad = rows({"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-address": ""})
    assert not submit(NameForm({"name": "张三"}), run, bad)
    run.assert_not_called()

    good = rows({"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-address": "一巷1号"})
    form = NameForm({"name": "张三"})
    assert not submit(form, refusing(ValidationError({"address": "地址重复。"})), good)
    assert form.non_field_errors() == ["地址重复。"]
    assert good.is_valid()
