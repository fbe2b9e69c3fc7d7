"""DXF drawings from CAD (CASS and others), read with ezdxf.

ezdxf decodes the text as the drawing says: `$DWGCODEPAGE` (ANSI_936 = GBK) before
AutoCAD 2007, UTF-8 from R2007 on; the caller may override the encoding. Of the layers the
user picks (default: `JZX`, CASS's boundary lines, when the drawing has it, else every layer
with geometry), model-space entities become features:

- closed LWPOLYLINE/POLYLINE → polygons (bulges flattened), open ones → lines, LINE → lines;
  a closed ring inside another of the same layer is its hole (and, when a ZDH text lies in
  it, a parcel of its own as well);
- HATCH → a polygon per outer boundary path, inner paths its holes;
- POINT and block INSERTs (CASS's 界址点 on `JZD`) → points.

Parcel numbers: a TEXT/MTEXT on layer `ZDH` whose insertion point lies inside a polygon
becomes its property `ZDH` (one STRtree query for all texts). Coordinates stay as drawn:
CAD x is the easting, y the northing.
"""

from __future__ import annotations

import codecs
from collections import Counter
from pathlib import Path

import ezdxf
import numpy as np
import shapely
from ezdxf import path as ezpath
from ezdxf import recover
from shapely.geometry import LineString, Point, Polygon

from ..errors import BadRequest, Text
from ..labels import N_
from .incoming import Feature, Incoming

BOUNDARY, POINTS, PARCEL_NO = "JZX", "JZD", "ZDH"
ENTITY = N_("layer %(layer)s entity %(handle)s")
_FLATTEN = 0.01  # metres: arcs and bulges become chords at most 1 cm from the curve
_GEOMETRY = ("LWPOLYLINE", "POLYLINE", "LINE", "HATCH", "POINT", "INSERT")


def _load(path: Path, file: str, encoding: str | None):
    """(drawing, encoding source, warnings): read strictly; a drawing with structural
    damage is recovered when ezdxf can (said in a warning), else refused."""
    damaged = N_("%(file)s is a damaged DXF drawing (%(problem)s)")
    try:
        return ezdxf.readfile(path, encoding=encoding), ("user" if encoding else "declared"), []
    except ezdxf.DXFStructureError as exc:
        problem = str(exc)[:200]
    except (OSError, ezdxf.DXFError, UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(Text(N_("%(file)s cannot be read as a DXF drawing (%(problem)s)"),
                              file=file, problem=str(exc)[:200] or type(exc).__name__),
                         code="bad_file") from None
    try:
        doc, auditor = recover.readfile(path)
    except (OSError, ezdxf.DXFError, UnicodeDecodeError, ValueError):
        auditor = doc = None
    if doc is None or auditor.has_errors or not len(doc.modelspace()):
        raise BadRequest(Text(damaged, file=file, problem=problem), code="bad_file")
    return doc, "declared", [Text(N_("%(file)s was damaged (%(problem)s); what could be "
                                     "recovered was read"), file=file, problem=problem)]


def _points(entity) -> np.ndarray:
    """The vertices (n × 2) of a 2D polyline; bulges (arcs) flattened."""
    kind = entity.dxftype()
    if kind == "LWPOLYLINE":
        raw = np.asarray(entity.lwpoints.values, dtype=float).reshape(-1, 5)
        if not raw[:, 4].any():  # no bulges: the vertices as stored
            return raw[:, :2]
    elif not any(v.dxf.bulge for v in entity.vertices):
        return np.array([(v.dxf.location.x, v.dxf.location.y) for v in entity.vertices],
                        dtype=float).reshape(-1, 2)
    return np.array([(v.x, v.y) for v in ezpath.make_path(entity).flattening(_FLATTEN)],
                    dtype=float).reshape(-1, 2)


def _closed(entity, pts: np.ndarray) -> bool:
    return bool(entity.closed) or (len(pts) > 3 and bool((pts[0] == pts[-1]).all()))


def _polygons(coords: list[np.ndarray]) -> list[Polygon]:
    """One polygon per ring, built in one vectorised call."""
    if not coords:
        return []
    indices = np.repeat(np.arange(len(coords)), [len(c) for c in coords])
    return list(shapely.polygons(shapely.linearrings(np.concatenate(coords), indices=indices)))


def _hatch(entity) -> list[Polygon]:
    rings = [Polygon([(v.x, v.y) for v in p.flattening(_FLATTEN)])
             for p in ezpath.from_hatch(entity)]
    rings = [r for r in rings if len(r.exterior.coords) >= 4]
    return _nest(rings)


def _nest(rings: list[Polygon]) -> list[Polygon]:
    """Even-odd nesting of one hatch's boundary paths: a path inside an odd number of
    others is a hole of the innermost one containing it."""
    depth = [sum(1 for o in rings if o is not r and o.contains(r)) for r in rings]
    shells = [i for i, d in enumerate(depth) if d % 2 == 0]
    polygons = []
    for i in shells:
        holes = [rings[j].exterior.coords for j, d in enumerate(depth)
                 if d == depth[i] + 1 and rings[i].contains(rings[j])]
        polygons.append(Polygon(rings[i].exterior.coords, holes))
    return polygons


def read(path: Path, *, file: str, layer: str | None = None,
         encoding: str | None = None) -> Incoming:
    doc, source, warnings = _load(path, file, encoding)
    msp = doc.modelspace()
    counts: Counter[str] = Counter()
    for entity in msp:
        if entity.dxftype() in _GEOMETRY:
            counts[entity.dxf.layer] += 1
    names = sorted(counts)
    if layer:
        chosen = [name.strip() for name in layer.split(",") if name.strip()]
        missing = [name for name in chosen if name not in counts]
        if missing:
            raise BadRequest(Text(N_("%(file)s has no layer %(layer)s with geometry; its "
                                     "layers are %(layers)s"), file=file,
                                  layer=", ".join(missing), layers=", ".join(names) or "—"),
                             code="no_layer")
    else:
        chosen = [BOUNDARY] if BOUNDARY in counts else names
    wanted = set(chosen)

    ring_coords: list[np.ndarray] = []               # closed rings (nested below)
    ring_of: list[tuple[str, str]] = []
    other: list[tuple[object, str, str]] = []        # hatches, lines, points
    labels: list[tuple[float, float, str]] = []      # ZDH texts
    for entity in msp:
        kind, name = entity.dxftype(), entity.dxf.layer
        if kind in ("TEXT", "MTEXT") and name == PARCEL_NO:
            labels += _label(entity)
        if name not in wanted or kind not in _GEOMETRY:
            continue
        handle = entity.dxf.handle
        if kind in ("LWPOLYLINE", "POLYLINE"):
            if kind == "POLYLINE" and not entity.is_2d_polyline:
                continue
            pts = _points(entity)
            if _closed(entity, pts) and len(set(map(tuple, pts.tolist()))) >= 3:
                ring_coords.append(pts)
                ring_of.append((name, handle))
            elif len(pts) >= 2:
                other.append((LineString(pts), name, handle))
        elif kind == "LINE":
            other.append((LineString([entity.dxf.start[:2], entity.dxf.end[:2]]), name, handle))
        elif kind == "HATCH":
            other += [(polygon, name, handle) for polygon in _hatch(entity)]
        else:  # POINT, INSERT
            where = entity.dxf.location if kind == "POINT" else entity.dxf.insert
            other.append((Point(where.x, where.y), name, handle))

    rings = [(ring, name, handle)
             for ring, (name, handle) in zip(_polygons(ring_coords), ring_of, strict=True)]
    polygons, keep = _with_holes(rings)
    label_of = _label_polygons([p for p, _, _ in polygons] + [g for g, _, _ in other], labels)
    features: list[Feature] = []
    for i, (geom, name, handle) in enumerate([*polygons, *other]):
        if i < len(polygons) and not keep[i] and i not in label_of:
            continue
        props: dict[str, object] = {"layer": name, "handle": handle}
        if i in label_of:
            props[PARCEL_NO] = label_of[i]
        features.append(Feature(len(features) + 1, Text(ENTITY, layer=name, handle=handle),
                                geom, props, name))
    return Incoming(format="dxf", layer=",".join(chosen), layers=names, features=features,
                    encoding=_text_encoding(doc), encoding_source=source,
                    layer_counts=dict(sorted(counts.items())), warnings=warnings)


def _text_encoding(doc) -> str:
    """What the drawing's text was decoded with: UTF-8 from R2007 (AC1021) on, else the
    code page $DWGCODEPAGE names."""
    return "utf-8" if doc.dxfversion >= "AC1021" else codecs.lookup(doc.encoding).name


def _label(text) -> list[tuple[float, float, str]]:
    """A ZDH text's insertion point and number (its first line: ParkAtlas's own DXF adds
    the area in 亩 below it)."""
    value = text.dxf.text if text.dxftype() == "TEXT" else text.plain_text()
    value = next((line.strip() for line in str(value).splitlines() if line.strip()), "")
    at = text.dxf.insert
    return [(at.x, at.y, value)] if value else []


def _with_holes(rings: list[tuple[Polygon, str, str]]):
    """Each closed ring with its direct children of the same layer as holes; `keep` is
    False for rings at odd depth (holes), which stay features only when labelled."""
    if not rings:
        return [], []
    shells = [r for r, _, _ in rings]
    tree = shapely.STRtree(shells)
    outer, inner = tree.query(shells, predicate="contains_properly")
    layer = np.array([name for _, name, _ in rings], dtype=object)
    same = layer[outer] == layer[inner]
    outer, inner = outer[same], inner[same]
    depth = np.bincount(inner, minlength=len(rings))
    areas = shapely.area(shells)
    parent = np.full(len(rings), -1)
    best = np.full(len(rings), np.inf)
    for o, i in zip(outer.tolist(), inner.tolist(), strict=True):  # one pass over pairs
        if areas[o] < best[i]:
            best[i], parent[i] = areas[o], o
    holes: dict[int, list] = {}
    for i, p in enumerate(parent.tolist()):
        if p >= 0:
            holes.setdefault(p, []).append(shells[i].exterior.coords)
    polygons = [(Polygon(r.exterior.coords, holes.get(i, [])) if i in holes else r, name, h)
                for i, (r, name, h) in enumerate(rings)]
    return polygons, (depth % 2 == 0).tolist()


def _label_polygons(geoms, labels) -> dict[int, str]:
    """{index of a polygon: the ZDH text inside it} in one STRtree query."""
    if not labels or not geoms:
        return {}
    tree = shapely.STRtree(geoms)
    points = shapely.points(np.array([(x, y) for x, y, _ in labels], dtype=float))
    where, inside = tree.query(points, predicate="within")
    found: dict[int, str] = {}
    for w, i in zip(where.tolist(), inside.tolist(), strict=True):
        if geoms[i].geom_type == "Polygon":
            found.setdefault(i, labels[w][2])
    return found
