"""Coverage pages (入户率, 服务覆盖率, 漏访, 两个全覆盖). Placeholder until the coverage pages land."""

from django.http import Http404


def coverage(request):
    raise Http404


def missed(request):
    raise Http404


def missed_export(request):
    raise Http404


def two_coverages(request):
    raise Http404
