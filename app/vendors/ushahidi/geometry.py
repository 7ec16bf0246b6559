"""Post values as GeoJSON geometries, as the v3 GeometryConverter makes them: a `{lat, lon}` value is a Point, a WKT
string (a geometry field's value) its GeoJSON form (docs/vendors/ushahidi.md §1.29)."""

import re

TYPES = {
    "POINT": "Point",
    "LINESTRING": "LineString",
    "POLYGON": "Polygon",
    "MULTIPOINT": "MultiPoint",
    "MULTILINESTRING": "MultiLineString",
    "MULTIPOLYGON": "MultiPolygon",
}
WKT = re.compile(r"^\s*([A-Za-z]+)\s*(\(.*\))\s*$", re.S)
TOKEN = re.compile(r"\(|\)|,|[^\s(),]+")


def to_geometry(value) -> dict | None:
    """A value's geometry, or None for values that are not places (skipped, as InvalidText is)."""
    if isinstance(value, dict):
        if "lat" in value and "lon" in value:
            return {"type": "Point", "coordinates": [value["lon"], value["lat"]]}
        return None
    if not isinstance(value, str):
        return None
    match = WKT.match(value)
    if not match or match.group(1).upper() not in TYPES:
        return None
    try:
        nested = _parse(TOKEN.findall(match.group(2)))
    except (ValueError, IndexError):
        return None
    kind = match.group(1).upper()
    # The text's outer parentheses hold a point's one position, or the list of a shape's parts.
    coordinates = nested[0] if kind == "POINT" else nested
    if kind == "MULTIPOINT":  # `MULTIPOINT(1 2, 3 4)` and `MULTIPOINT((1 2), (3 4))` are both written
        coordinates = [c[0] if c and isinstance(c[0], list) else c for c in coordinates]
    return {"type": TYPES[kind], "coordinates": coordinates}


def _parse(tokens: list[str]) -> list:
    """`(` list `)` where items are positions (numbers separated by spaces) or nested lists."""
    stack: list[list] = []
    current: list | None = None
    position: list[float] = []
    for token in tokens:
        if token == "(":
            if current is not None:
                stack.append(current)
            current = []
        elif token in (",", ")"):
            if position:
                current.append(position)
                position = []
            if token == ")":
                done = current
                current = stack.pop() if stack else None
                if current is None:
                    return done
                current.append(done)
        else:
            number = float(token)
            position.append(int(number) if number.is_integer() else number)
    raise ValueError("unbalanced WKT")
