package zgw

import (
	"slices"
	"strings"
)

// Expand is a parsed expand parameter (algemeen §9): a tree of field names, each step of a
// dotted path included ("status.statustype" expands status and, inside it, statustype).
type Expand map[string]Expand

// maxExpandDepth is the 1.5-era limit: deeper paths are cut at three levels.
const maxExpandDepth = 3

// ParseExpand reads a comma-separated expand value. Every path must be one of allowed (or a
// prefix of one); anything else is a 400 on the expand parameter, since a partial answer would
// hide the mistake.
func ParseExpand(value string, allowed []string) (Expand, error) {
	e := Expand{}
	if strings.TrimSpace(value) == "" {
		return e, nil
	}
	for _, path := range strings.Split(value, ",") {
		path = strings.TrimSpace(path)
		steps := strings.Split(path, ".")
		if len(steps) > maxExpandDepth {
			steps = steps[:maxExpandDepth]
			path = strings.Join(steps, ".")
		}
		if !expandAllowed(path, allowed) {
			return nil, FieldError("expand", "invalid-expand", "Het veld "+path+" kan niet uitgebreid worden.")
		}
		node := e
		for _, s := range steps {
			next, ok := node[s]
			if !ok {
				next = Expand{}
				node[s] = next
			}
			node = next
		}
	}
	return e, nil
}

func expandAllowed(path string, allowed []string) bool {
	return slices.ContainsFunc(allowed, func(a string) bool { return a == path || strings.HasPrefix(a, path+".") })
}
