package objecten

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/zgw"
)

// typeVersie is what an object needs of its objecttype version: whether geometry is
// allowed and the JSON Schema of the data.
type typeVersie struct {
	allowGeometry bool
	schema        []byte
	objecttypeID  int64 // the row of an objecttype of this server, 0 for a remote one
}

// resolveType reads version n of the objecttype at typeURL. An objecttype whose uuid is in
// this server's tables is read from them, whatever host the URL names (Open Object 4 matches
// by uuid too, so URLs of a former stand-alone Objecttypes host keep working); any other URL
// is fetched through the resolver (allowed remote prefixes only, cached briefly).
func (r *register) resolveType(ctx context.Context, q db.Querier, typeURL string, n int) (*typeVersie, error) {
	ot, err := r.localObjecttype(ctx, q, lastSegment(typeURL))
	if err != nil {
		return nil, err
	}
	if ot != nil {
		var status string
		var schema any
		err := q.QueryRow(ctx, `SELECT status, json_schema FROM objecttype_versie WHERE objecttype_id = $1 AND versie = $2`, ot.id, n).Scan(&status, &schema)
		if err != nil {
			if isNoRows(err) {
				return nil, versionUnknown(n)
			}
			return nil, err
		}
		return &typeVersie{allowGeometry: ot.AllowGeometry, schema: append([]byte(nil), jsonText(schema)...), objecttypeID: ot.id}, nil
	}
	if r.api.Refs == nil {
		return nil, zgw.FieldError("type", "bad-url", "De URL "+typeURL+" resulteert niet in een 200-antwoord.")
	}
	var remote struct {
		AllowGeometry *bool `json:"allowGeometry"`
	}
	if err := r.api.Refs.Resource(ctx, "type", typeURL, &remote, "name"); err != nil {
		return nil, err
	}
	var v struct {
		JSONSchema json.RawMessage `json:"jsonSchema"`
	}
	vu := strings.TrimRight(typeURL, "/") + "/versions/" + strconv.Itoa(n)
	if err := r.api.Refs.Resource(ctx, "record.typeVersion", vu, &v, "jsonSchema"); err != nil {
		if zgw.KindOf(err) == zgw.Invalid {
			return nil, versionUnknown(n)
		}
		return nil, err
	}
	// allowGeometry missing means allowed (spec: "or OBJECTTYPE.allowGeometry doesn't exist").
	allow := remote.AllowGeometry == nil || *remote.AllowGeometry
	return &typeVersie{allowGeometry: allow, schema: v.JSONSchema}, nil
}

func versionUnknown(n int) error {
	return zgw.FieldError("record.typeVersion", "invalid_key",
		"Objecttype-versie "+strconv.Itoa(n)+" bestaat niet voor dit objecttype.")
}
