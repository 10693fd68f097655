package objecten

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// Permission modes (Open Object's token permissions).
const (
	ModeReadOnly     = "read_only"
	ModeReadAndWrite = "read_and_write"
)

// Permissie is what one client may do with the objects of one objecttype, as Open Object's
// token permissions: read only or read and write, and optionally (read only) just some
// first-level keys of record.data.
type Permissie struct {
	ClientID   string
	Objecttype string // objecttype URL; matched by its uuid, as Open Object 4 does
	Mode       string // read_only (alias "read") or read_and_write
	UseFields  bool
	Fields     []string // first-level keys of record.data the client may read (UseFields)
}

// SeedPermissies replaces all object permissions of the client ids in ps with ps, in one
// transaction (the applicaties configuration file is the source of truth).
func SeedPermissies(ctx context.Context, d *db.DB, ps []Permissie) error {
	return ReplacePermissies(ctx, d, nil, ps)
}

// ReplacePermissies is SeedPermissies that also clears the permissions of clientIDs that ps
// does not mention: a client whose permissions were removed from the applicaties file loses
// them.
func ReplacePermissies(ctx context.Context, d *db.DB, clientIDs []string, ps []Permissie) error {
	ps = slices.Clone(ps) // modes are normalised below; the caller's slice stays as it was
	clients := map[string]bool{}
	for _, id := range clientIDs {
		clients[id] = true
	}
	for i, p := range ps {
		if p.ClientID == "" {
			return fmt.Errorf("objecten permissie %d: client id ontbreekt", i)
		}
		if !zgw.IsURL(p.Objecttype) || !zgw.ValidUUID(lastSegment(p.Objecttype)) {
			return fmt.Errorf("objecten permissie %s: objecttype %q is geen objecttype-URL", p.ClientID, p.Objecttype)
		}
		switch p.Mode {
		case "read", ModeReadOnly:
			ps[i].Mode = ModeReadOnly
		case ModeReadAndWrite:
		default:
			return fmt.Errorf("objecten permissie %s: mode %q (read_only of read_and_write)", p.ClientID, p.Mode)
		}
		clients[p.ClientID] = true
	}
	return d.Update(ctx, func(tx *db.Tx) error {
		for id := range clients {
			if _, err := tx.Exec(ctx, `DELETE FROM objecten_permissie WHERE client_id = $1`, id); err != nil {
				return fmt.Errorf("objecten permissies: %w", err)
			}
		}
		for _, p := range ps {
			fields := p.Fields
			if fields == nil {
				fields = []string{}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO objecten_permissie (client_id, type_uuid, type, mode, use_fields, fields)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (client_id, type_uuid) DO UPDATE SET type = excluded.type, mode = excluded.mode,
				use_fields = excluded.use_fields, fields = excluded.fields`,
				p.ClientID, lastSegment(p.Objecttype), p.Objecttype, p.Mode, p.UseFields, mustJSON(fields)); err != nil {
				return fmt.Errorf("objecten permissies: %w", err)
			}
		}
		return nil
	})
}

// access is what the caller of one request may do with objects.
type access struct {
	all   bool
	perms map[string]Permissie // by objecttype uuid
}

// accessOf loads the caller's permissions: everything for heeftAlleAutorisaties (and Meent
// itself), else the rows of its client id.
func (r *register) accessOf(ctx context.Context, p *zgw.Principal) (*access, error) {
	if p != nil && p.Grants != nil && p.Grants.All {
		return &access{all: true}, nil
	}
	a := &access{perms: map[string]Permissie{}}
	if p == nil || p.ClientID == "" {
		return a, nil
	}
	rows, err := r.db.Query(ctx, `SELECT type_uuid, type, mode, use_fields, fields FROM objecten_permissie WHERE client_id = $1`, p.ClientID)
	if err != nil {
		return nil, fmt.Errorf("objecten permissies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, fields string
		pm := Permissie{ClientID: p.ClientID}
		if err := rows.Scan(&id, &pm.Objecttype, &pm.Mode, &pm.UseFields, &fields); err != nil {
			return nil, fmt.Errorf("objecten permissies: %w", err)
		}
		if err := json.Unmarshal([]byte(fields), &pm.Fields); err != nil {
			return nil, fmt.Errorf("objecten permissies: %w", err)
		}
		a.perms[id] = pm
	}
	return a, rows.Err()
}

// canRead reports whether objects of the objecttype with uuid typeUUID may be read.
func (a *access) canRead(typeUUID string) bool {
	if a.all {
		return true
	}
	_, ok := a.perms[typeUUID]
	return ok
}

// canWrite reports whether objects of the objecttype may be created, changed and deleted.
func (a *access) canWrite(typeUUID string) bool {
	if a.all {
		return true
	}
	p, ok := a.perms[typeUUID]
	return ok && p.Mode == ModeReadAndWrite
}

// where restricts a list to the readable objecttypen, in SQL (one predicate however many
// types the client may read).
func (a *access) where(d *db.DB, w *db.Where, col string) {
	if a.all {
		return
	}
	ids := make([]string, 0, len(a.perms))
	for id := range a.perms {
		ids = append(ids, id)
	}
	w.And(d.AnyText(col, "?"), d.TextList(ids))
}

// trim applies field-based authorisation (read_only with use_fields): record.data keeps only
// the permitted first-level keys. It returns the keys removed.
func (a *access) trim(typeUUID string, rec *recordOut) []string {
	if a.all || rec == nil {
		return nil
	}
	p, ok := a.perms[typeUUID]
	if !ok || !p.UseFields || p.Mode != ModeReadOnly {
		return nil
	}
	var data map[string]json.RawMessage
	if json.Unmarshal(rec.Data, &data) != nil {
		return nil
	}
	var removed []string
	for k := range data {
		if !slices.Contains(p.Fields, k) {
			delete(data, k)
			removed = append(removed, k)
		}
	}
	if len(removed) == 0 {
		return nil
	}
	rec.Data = json.RawMessage(mustJSON(data))
	sort.Strings(removed)
	return removed
}

// unauthorizedHeader sets X-Unauthorized-Fields ("type:fieldA,fieldB; type2:fieldC") when
// field-based authorisation removed keys.
func unauthorizedHeader(c *zgw.Call, removed map[string][]string) {
	if len(removed) == 0 {
		return
	}
	types := make([]string, 0, len(removed))
	for t := range removed {
		types = append(types, t)
	}
	sort.Strings(types)
	parts := make([]string, 0, len(types))
	for _, t := range types {
		fs := slices.Compact(slices.Sorted(slices.Values(removed[t])))
		parts = append(parts, t+":"+strings.Join(fs, ","))
	}
	c.W.Header().Set("X-Unauthorized-Fields", strings.Join(parts, "; "))
}

type permissieOut struct {
	Type      string         `json:"type"`
	Mode      string         `json:"mode"`
	UseFields bool           `json:"use_fields"`
	Fields    map[string]any `json:"fields"`
}

func (r *register) mountPermissie() {
	r.api.Handle("GET /permissions", zgw.Access{}, r.permissieList)
}

// permissieList lists the caller's own permissions. A client with all rights has none
// listed, as an Open Object superuser token.
func (r *register) permissieList(c *zgw.Call) error {
	q := c.Query("page", "pageSize")
	size := pageSize(q)
	if err := q.Err(); err != nil {
		return err
	}
	a, err := r.accessOf(c.Ctx(), c.Principal)
	if err != nil {
		return err
	}
	var all []permissieOut
	for _, p := range a.perms {
		o := permissieOut{Type: p.Objecttype, Mode: p.Mode, UseFields: p.UseFields}
		if p.UseFields {
			// Meent's fields apply to every version of the type; "*" says so.
			o.Fields = map[string]any{"*": p.Fields}
		}
		all = append(all, o)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Type < all[j].Type })
	from := min((q.Page-1)*size, len(all))
	return paginate(c, q.Page, size, len(all), all[from:min(from+size, len(all))])
}
