package zaken

import (
	"encoding/json"
	"errors"
	"math"
)

// Geometry for zaakgeometrie and the _zoek within filter. The stored zaak keeps its GeoJSON
// in data and its bounding box in columns; a search selects candidates by bounding box in
// SQL and then tests each candidate exactly here, so a polygon that is not a rectangle
// finds exactly the zaken inside it.

type geom struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometries  []geom          `json:"geometries"`
}

type pt [2]float64

// UnmarshalJSON reads a GeoJSON position: x, y and an optional altitude (RFC 7946 §3.1.1);
// fewer than two numbers is not a position.
func (p *pt) UnmarshalJSON(b []byte) error {
	var v []float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if len(v) < 2 || len(v) > 3 {
		return errors.New("a position has two or three numbers")
	}
	p[0], p[1] = v[0], v[1]
	return nil
}

// geoParse returns the points, line parts and polygons (rings) of a GeoJSON geometry.
func geoParse(raw json.RawMessage) (g *geom, ok bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, false
	}
	g = &geom{}
	if err := json.Unmarshal(raw, g); err != nil {
		return nil, false
	}
	return g, g.valid()
}

func (g *geom) valid() bool {
	switch g.Type {
	case "GeometryCollection":
		for i := range g.Geometries {
			if !g.Geometries[i].valid() {
				return false
			}
		}
		return len(g.Geometries) > 0
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon":
		_, lines, polys, ok := g.parts()
		if !ok {
			return false
		}
		for _, l := range lines {
			if len(l) < 2 {
				return false
			}
		}
		// RFC 7946 §3.1.6: a linear ring is closed and has at least four positions.
		for _, p := range polys {
			if len(p) == 0 {
				return false
			}
			for _, ring := range p {
				if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
					return false
				}
			}
		}
		return true
	}
	return false
}

// parts returns the geometry's points, its line strings and its polygons.
func (g *geom) parts() (points []pt, lines [][]pt, polys [][][]pt, ok bool) {
	var err error
	switch g.Type {
	case "Point":
		var p pt
		err = json.Unmarshal(g.Coordinates, &p)
		points = []pt{p}
	case "MultiPoint":
		err = json.Unmarshal(g.Coordinates, &points)
	case "LineString":
		var l []pt
		err = json.Unmarshal(g.Coordinates, &l)
		lines = [][]pt{l}
	case "MultiLineString":
		err = json.Unmarshal(g.Coordinates, &lines)
	case "Polygon":
		var p [][]pt
		err = json.Unmarshal(g.Coordinates, &p)
		polys = [][][]pt{p}
	case "MultiPolygon":
		err = json.Unmarshal(g.Coordinates, &polys)
	case "GeometryCollection":
		for i := range g.Geometries {
			p, l, q, ok := g.Geometries[i].parts()
			if !ok {
				return nil, nil, nil, false
			}
			points, lines, polys = append(points, p...), append(lines, l...), append(polys, q...)
		}
	default:
		return nil, nil, nil, false
	}
	if err != nil {
		return nil, nil, nil, false
	}
	for _, p := range g.vertices(points, lines, polys) {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
			return nil, nil, nil, false
		}
	}
	return points, lines, polys, true
}

func (g *geom) vertices(points []pt, lines [][]pt, polys [][][]pt) []pt {
	out := append([]pt(nil), points...)
	for _, l := range lines {
		out = append(out, l...)
	}
	for _, p := range polys {
		for _, ring := range p {
			out = append(out, ring...)
		}
	}
	return out
}

// geoBBox is the bounding box minx, miny, maxx, maxy of a GeoJSON geometry.
func geoBBox(raw json.RawMessage) ([4]float64, bool) {
	g, ok := geoParse(raw)
	if !ok {
		return [4]float64{}, false
	}
	points, lines, polys, _ := g.parts()
	vs := g.vertices(points, lines, polys)
	if len(vs) == 0 {
		return [4]float64{}, false
	}
	b := [4]float64{vs[0][0], vs[0][1], vs[0][0], vs[0][1]}
	for _, v := range vs[1:] {
		b[0], b[1] = math.Min(b[0], v[0]), math.Min(b[1], v[1])
		b[2], b[3] = math.Max(b[2], v[0]), math.Max(b[3], v[1])
	}
	return b, true
}

// geoWithin reports whether geometry inner lies within the (multi)polygon outer: every vertex
// of inner is inside outer and no edge of inner crosses a boundary of outer.
func geoWithin(inner json.RawMessage, outer *geom) bool {
	g, ok := geoParse(inner)
	if !ok {
		return false
	}
	_, _, area, ok := outer.parts()
	if !ok || len(area) == 0 {
		return false
	}
	points, lines, polys, _ := g.parts()
	for _, v := range g.vertices(points, lines, polys) {
		if !inArea(v, area) {
			return false
		}
	}
	var edges [][2]pt
	for _, l := range lines {
		for i := 1; i < len(l); i++ {
			edges = append(edges, [2]pt{l[i-1], l[i]})
		}
	}
	for _, p := range polys {
		for _, ring := range p {
			for i := 1; i < len(ring); i++ {
				edges = append(edges, [2]pt{ring[i-1], ring[i]})
			}
		}
	}
	for _, e := range edges {
		for _, p := range area {
			for _, ring := range p {
				for i := 1; i < len(ring); i++ {
					if segmentsCross(e[0], e[1], ring[i-1], ring[i]) {
						return false
					}
				}
			}
		}
	}
	return true
}

// inArea: inside one of the polygons (inside its outer ring, outside its holes).
func inArea(v pt, area [][][]pt) bool {
	for _, p := range area {
		if len(p) == 0 || !inRing(v, p[0]) {
			continue
		}
		hole := false
		for _, h := range p[1:] {
			if inRing(v, h) {
				hole = true
				break
			}
		}
		if !hole {
			return true
		}
	}
	return false
}

// inRing is the even-odd ray test.
func inRing(v pt, ring []pt) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a, b := ring[i], ring[j]
		if (a[1] > v[1]) != (b[1] > v[1]) && v[0] < (b[0]-a[0])*(v[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// segmentsCross reports a proper crossing of segments pq and rs.
func segmentsCross(p, q, r, s pt) bool {
	d1, d2 := orient(r, s, p), orient(r, s, q)
	d3, d4 := orient(p, q, r), orient(p, q, s)
	return d1*d2 < 0 && d3*d4 < 0
}

func orient(a, b, c pt) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}
