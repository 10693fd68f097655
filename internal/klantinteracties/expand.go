package klantinteracties

import (
	"context"
	"strings"

	"github.com/meent/meent/internal/db"
)

// expand fills _expand of a page of rendered objects with the full objects behind the
// references named in paths ("betrokkenen", "betrokkenen.hadKlantcontact"), one query per
// level and field, never per object (klantinteracties.md §4).
func (r *register) expand(ctx context.Context, q db.Querier, s *resource, outs []map[string]any, paths []string) error {
	if len(paths) == 0 || len(outs) == 0 {
		return nil
	}
	var heads []string
	rests := map[string][]string{}
	for _, p := range paths {
		head, rest, _ := strings.Cut(p, ".")
		if _, ok := rests[head]; !ok {
			heads = append(heads, head)
			rests[head] = nil
		}
		if rest != "" {
			rests[head] = append(rests[head], rest)
		}
	}
	for _, head := range heads {
		target, list := "", false
		for _, b := range s.backs {
			if b.field == head {
				target, list = b.as, true
				if target == "" {
					target = b.from
				}
			}
		}
		if f := s.refByField(head); f != nil {
			target = f.to
		}
		t := r.res[target]
		if t == nil {
			continue
		}
		var uuids []string
		seen := map[string]bool{}
		addFK := func(v any) {
			if m, ok := v.(map[string]any); ok {
				if u, _ := m["uuid"].(string); u != "" && !seen[u] {
					seen[u] = true
					uuids = append(uuids, u)
				}
			}
		}
		for _, o := range outs {
			if l, ok := o[head].([]any); ok {
				for _, v := range l {
					addFK(v)
				}
			} else {
				addFK(o[head])
			}
		}
		rows, err := r.byUUIDs(ctx, q, t, uuids)
		if err != nil {
			return err
		}
		full, err := r.render(ctx, q, t, rows)
		if err != nil {
			return err
		}
		if err := r.expand(ctx, q, t, full, rests[head]); err != nil {
			return err
		}
		byUUID := map[string]map[string]any{}
		for i, w := range rows {
			byUUID[w.uuid] = full[i]
		}
		for _, o := range outs {
			e, _ := o["_expand"].(map[string]any)
			if e == nil {
				e = map[string]any{}
				o["_expand"] = e
			}
			if list {
				l := []any{}
				if refs, ok := o[head].([]any); ok {
					for _, v := range refs {
						if m, ok := v.(map[string]any); ok {
							if x := byUUID[m["uuid"].(string)]; x != nil {
								l = append(l, x)
							}
						}
					}
				}
				e[head] = l
				continue
			}
			e[head] = nil
			if m, ok := o[head].(map[string]any); ok {
				if x := byUUID[m["uuid"].(string)]; x != nil {
					e[head] = x
				}
			}
		}
	}
	return nil
}
