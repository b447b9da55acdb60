"""Coordinates for display. Positions are stored in WGS-84 (what a phone's geolocation gives); a base map whose
tiles are drawn in GCJ-02 (the offset system Chinese web maps are published in) needs the points moved by the
same offset, or every household sits a few hundred metres off its house.

The transform is the published GCJ-02 formula (Krasovsky ellipsoid and its polynomial offset); outside China
GCJ-02 equals WGS-84, so points there pass through unchanged.
"""

from __future__ import annotations

from math import cos, pi, sin, sqrt
from urllib.parse import urlsplit

from django.conf import settings

WGS84, GCJ02 = "wgs84", "gcj02"
_A = 6378245.0  # semi-major axis of the Krasovsky 1940 ellipsoid, which GCJ-02 is defined on
_EE = 0.00669342162296594323  # its eccentricity squared
DECIMALS = 5  # about a metre: enough to find a door, and no more digits than the map can use


def outside_china(lat: float, lng: float) -> bool:
    """The rough box GCJ-02 applies in; outside it the published formula leaves points as they are."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset_lat(x: float, y: float) -> float:
    value = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x))
    value += (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
    value += (20.0 * sin(y * pi) + 40.0 * sin(y / 3.0 * pi)) * 2.0 / 3.0
    value += (160.0 * sin(y / 12.0 * pi) + 320.0 * sin(y * pi / 30.0)) * 2.0 / 3.0
    return value


def _offset_lng(x: float, y: float) -> float:
    value = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x))
    value += (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
    value += (20.0 * sin(x * pi) + 40.0 * sin(x / 3.0 * pi)) * 2.0 / 3.0
    value += (150.0 * sin(x / 12.0 * pi) + 300.0 * sin(x / 30.0 * pi)) * 2.0 / 3.0
    return value


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """(lat, lng) in WGS-84 -> (lat, lng) in GCJ-02."""
    if outside_china(lat, lng):
        return lat, lng
    d_lat = _offset_lat(lng - 105.0, lat - 35.0)
    d_lng = _offset_lng(lng - 105.0, lat - 35.0)
    rad = lat / 180.0 * pi
    magic = 1 - _EE * sin(rad) ** 2
    root = sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * root) * pi)
    d_lng = (d_lng * 180.0) / (_A / root * cos(rad) * pi)
    return lat + d_lat, lng + d_lng


def tile_crs() -> str:
    return GCJ02 if settings.MAP_TILE_CRS == GCJ02 else WGS84


def for_display(lat, lng) -> tuple[float, float]:
    """A stored WGS-84 position in the configured tiles' system, rounded for the page."""
    lat, lng = float(lat), float(lng)
    if tile_crs() == GCJ02:
        lat, lng = wgs84_to_gcj02(lat, lng)
    return round(lat, DECIMALS), round(lng, DECIMALS)


def tile_origins() -> list[str]:
    """The origins the configured tiles load from ({s} expanded over the subdomains): the one place besides
    this site that a map page's Content-Security-Policy lets images come from."""
    if not settings.MAP_TILE_URL:
        return []
    subdomains = list(settings.MAP_TILE_SUBDOMAINS.replace(",", "") or "abc")  # as Leaflet reads them
    urls = (
        [settings.MAP_TILE_URL.replace("{s}", s) for s in subdomains]
        if "{s}" in settings.MAP_TILE_URL
        else [settings.MAP_TILE_URL]
    )
    origins = []
    for url in urls:
        parts = urlsplit(url)
        if (
            parts.scheme in ("http", "https")
            and parts.netloc
            and f"{parts.scheme}://{parts.netloc}" not in origins
        ):
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


def base_map() -> dict | None:
    """What the page needs to draw the configured tiles; None when no tile service is configured (the map then
    draws its points on a plain background and asks no other server for anything)."""
    if not settings.MAP_TILE_URL:
        return None
    return {
        "url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "subdomains": settings.MAP_TILE_SUBDOMAINS,
        "maxZoom": settings.MAP_TILE_MAX_ZOOM,
        "crs": tile_crs(),
    }
