from django.http import Http404


def _todo(request, pk=None):
    raise Http404


index = due = create = detail = edit = photo = health = levels = _todo
