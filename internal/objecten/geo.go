package objecten

import (
	"encoding/json"
	"errors"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Geometry of records and the geometry.within search. A record keeps its GeoJSON and its
// bounding box in columns; a search selects candidates by bounding box in SQL and tests
// each candidate exactly here, so a polygon that is not a rectangle finds exactly the
// objects inside it.

// parseGeometry decodes and checks a GeoJSON geometry (EPSG:4326 coordinates). ok is false
// for anything that is not a well-formed geometry.
func parseGeometry(raw json.RawMessage) (orb.Geometry, bool) {
	g, err := decodeGeometry(raw, 0)
	if err != nil || g == nil || !validGeometry(g) {
		return nil, false
	}
	return g, true
}

// geoJSON is a GeoJSON geometry object as sent.
type geoJSON struct {
	Type        string            `json:"type"`
	Coordinates json.RawMessage   `json:"coordinates"`
	Geometries  []json.RawMessage `json:"geometries"`
}

// decodeGeometry turns GeoJSON into orb geometry (collections nest at most a few levels).
func decodeGeometry(raw json.RawMessage, depth int) (orb.Geometry, error) {
	var g geoJSON
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, err
	}
	switch g.Type {
	case "Point":
		return coordinates[orb.Point](g.Coordinates)
	case "MultiPoint":
		return coordinates[orb.MultiPoint](g.Coordinates)
	case "LineString":
		return coordinates[orb.LineString](g.Coordinates)
	case "MultiLineString":
		return coordinates[orb.MultiLineString](g.Coordinates)
	case "Polygon":
		return coordinates[orb.Polygon](g.Coordinates)
	case "MultiPolygon":
		return coordinates[orb.MultiPolygon](g.Coordinates)
	case "GeometryCollection":
		if depth > 3 {
			return nil, errors.New("geometrycollection te diep genest")
		}
		var c orb.Collection
		for _, x := range g.Geometries {
			sub, err := decodeGeometry(x, depth+1)
			if err != nil {
				return nil, err
			}
			c = append(c, sub)
		}
		return c, nil
	}
	return nil, errors.New("onbekend geometrietype")
}

// coordinates decodes the coordinates of a geometry of type G.
func coordinates[G orb.Geometry](raw json.RawMessage) (orb.Geometry, error) {
	var g G
	err := json.Unmarshal(raw, &g)
	return g, err
}

func validPoint(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

func validRing(r orb.Ring) bool {
	if len(r) < 4 || r[0] != r[len(r)-1] {
		return false
	}
	for _, p := range r {
		if !validPoint(p) {
			return false
		}
	}
	return true
}

func validPolygon(p orb.Polygon) bool {
	if len(p) == 0 {
		return false
	}
	for _, r := range p {
		if !validRing(r) {
			return false
		}
	}
	return true
}

func validGeometry(g orb.Geometry) bool {
	switch g := g.(type) {
	case orb.Point:
		return validPoint(g)
	case orb.MultiPoint:
		for _, p := range g {
			if !validPoint(p) {
				return false
			}
		}
		return len(g) > 0
	case orb.LineString:
		for _, p := range g {
			if !validPoint(p) {
				return false
			}
		}
		return len(g) >= 2
	case orb.MultiLineString:
		for _, l := range g {
			if !validGeometry(l) {
				return false
			}
		}
		return len(g) > 0
	case orb.Polygon:
		return validPolygon(g)
	case orb.MultiPolygon:
		for _, p := range g {
			if !validPolygon(p) {
				return false
			}
		}
		return len(g) > 0
	case orb.Collection:
		for _, x := range g {
			if !validGeometry(x) {
				return false
			}
		}
		return len(g) > 0
	}
	return false
}

// area is a search area: a Polygon or MultiPolygon.
type area struct {
	polys orb.MultiPolygon
	bound orb.Bound
}

func newArea(g orb.Geometry) (*area, bool) {
	switch g := g.(type) {
	case orb.Polygon:
		return &area{polys: orb.MultiPolygon{g}, bound: g.Bound()}, true
	case orb.MultiPolygon:
		return &area{polys: g, bound: g.Bound()}, true
	}
	return nil, false
}

func (a *area) contains(p orb.Point) bool { return planar.MultiPolygonContains(a.polys, p) }

// within reports whether every point of g lies in the area, and (for lines and polygons)
// no edge leaves it: each edge's midpoint must lie inside too, which catches edges that
// cross a concave part of the area between two inside vertices.
func (a *area) within(g orb.Geometry) bool {
	switch g := g.(type) {
	case orb.Point:
		return a.contains(g)
	case orb.MultiPoint:
		for _, p := range g {
			if !a.contains(p) {
				return false
			}
		}
		return true
	case orb.LineString:
		return a.lineWithin(g)
	case orb.Ring:
		return a.lineWithin(orb.LineString(g))
	case orb.MultiLineString:
		for _, l := range g {
			if !a.lineWithin(l) {
				return false
			}
		}
		return true
	case orb.Polygon:
		return len(g) > 0 && a.lineWithin(orb.LineString(g[0]))
	case orb.MultiPolygon:
		for _, p := range g {
			if !a.within(p) {
				return false
			}
		}
		return true
	case orb.Collection:
		for _, x := range g {
			if !a.within(x) {
				return false
			}
		}
		return true
	}
	return false
}

func (a *area) lineWithin(l orb.LineString) bool {
	for i, p := range l {
		if !a.contains(p) {
			return false
		}
		if i > 0 {
			q := l[i-1]
			if !a.contains(orb.Point{(p[0] + q[0]) / 2, (p[1] + q[1]) / 2}) {
				return false
			}
		}
	}
	return true
}
