"""Canary test (issue "One way in"): no page, export or partial shows a role anything of a station outside its
scope, and the viewer (no personal data) no person's name at all.

See tests/canary/world.py for the canary stations and tests/canary/checker.py for how every served GET URL is
requested and read. Run with -s (or read the "canary" section of the summary) for the number of checks.
"""

from __future__ import annotations

from tests.access_matrix import INSIDE_OUTSIDE, served_route_names
from tests.canary.checker import SKIP, check_canaries

# The one leak this test found when it was written (the station list named each station's head to the viewer)
# is mended: the head is a fact shown only with staff.view.


def test_no_page_shows_a_canary_outside_the_scope(world, canaries, report_canary_run):
    run = check_canaries(world, canaries)
    report_canary_run(run)
    # every served URL (SKIP aside) was requested by every role, each with something outside its scope
    served = served_route_names() - set(SKIP)
    assert {(role, name) for role, name, _ in run.checked} == {
        (role, name) for role in INSIDE_OUTSIDE for name in served
    }, run.failures
    assert run.failures == []
    assert [str(leak) for leak in run.leaks] == []


# Canary strings no GET page shows to anyone: a positive control cannot find them (and no page can leak them).
NOT_SHOWN = {
    "head's ID number": "a full ID number is shown only by a POSTed reveal",
    "member's ID number": "a full ID number is shown only by a POSTed reveal",
    "allocation note": "no page shows an allocation's note",
}


def test_an_insider_sees_the_canaries(world, canaries, report_canary_run):
    """The positive control: the canary strings do show, to a city bureau user of the canary's own city, on the
    same URLs built for the canary's own objects; so their absence elsewhere means something."""
    # Y has every kind of record (and its city's issues); X and Z are built by the same code
    canary = next(c for c in canaries if c.letter == "y")
    run = check_canaries(
        world,
        canaries,
        roles={"city_y": (canary.city_user, "y")},
        control=True,
        object_arg=lambda kind, letter, user: canary.objects[kind],
    )
    published = check_canaries(
        world,
        canaries,
        roles={"city_y": (canary.city_user, "y")},
        only=lambda name: name in {"bulletins:detail", "bulletins:preview", "bulletins:docx"},
        control=True,
        object_arg=lambda kind, letter, user: canary.objects["published_bulletin"],
    )
    report_canary_run(run, "positive control: ")
    assert run.failures == published.failures == []
    assert run.leaks == []  # nothing of Z, nor of X (the other cities') shows to it
    seen = run.seen | published.seen
    unseen = {what for string, what in canary.strings.items() if string not in seen}
    assert unseen == set(NOT_SHOWN)
