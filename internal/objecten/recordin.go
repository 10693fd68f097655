package objecten

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/meent/meent/internal/zgw"
)

// The record of a request body: decoding, checks the spec cannot express, and the JSON
// Merge Patch of a partial update.

// decodeRecord decodes the record of a request body; sent (when not nil) receives its keys.
func decodeRecord(raw json.RawMessage, ri *recordIn, sent map[string]json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return zgw.FieldError("record", "required", "Dit veld is vereist.")
	}
	if sent != nil {
		if err := json.Unmarshal(raw, &sent); err != nil {
			return zgw.FieldError("record", "invalid", "Het record is geen JSON-object.")
		}
	}
	if err := json.Unmarshal(raw, ri); err != nil {
		return zgw.FieldError("record", "invalid", "Het record is ongeldig: "+err.Error())
	}
	if sent == nil && ri.TypeVersion == nil {
		return zgw.FieldError("record.typeVersion", "required", "Dit veld is vereist.")
	}
	if ri.StartAt != "" && !zgw.IsDate(ri.StartAt) {
		return zgw.FieldError("record.startAt", "invalid", "Voer een geldige datum in (JJJJ-MM-DD).")
	}
	if sent == nil && ri.StartAt == "" {
		return zgw.FieldError("record.startAt", "required", "Dit veld is vereist.")
	}
	if ri.References != nil {
		for i, ref := range *ri.References {
			if ref.Type != "zaak" || !zgw.IsURL(ref.URL) {
				return zgw.FieldError("record.references."+strconv.Itoa(i), "invalid", "Een referentie is {type: zaak, url: <URL>}.")
			}
		}
	}
	if len(ri.Data) > 0 && string(ri.Data) != "null" && !isJSONObject(ri.Data) {
		return zgw.FieldError("record.data", "invalid", "De data zijn een JSON-object.")
	}
	return nil
}

func dataOrEmpty(d json.RawMessage) []byte {
	if len(d) == 0 || string(d) == "null" {
		return []byte("{}")
	}
	return compactJSON(d)
}

func geometryOrNil(g json.RawMessage) []byte {
	if len(g) == 0 || string(g) == "null" {
		return nil
	}
	return compactJSON(g)
}

func compactJSON(b []byte) []byte {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return b
	}
	return []byte(mustJSON(v))
}

func isJSONObject(b []byte) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(b, &m) == nil && m != nil
}

// mergePatch applies a JSON Merge Patch (RFC 7396) to the object target: keys set to null
// are removed, objects merge recursively, anything else replaces.
func mergePatch(target, patch []byte) ([]byte, error) {
	var t, p any
	if err := json.Unmarshal(target, &t); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, zgw.FieldError("record.data", "invalid", "De data zijn geen geldige JSON Merge Patch.")
	}
	if _, ok := p.(map[string]any); !ok {
		return nil, zgw.FieldError("record.data", "invalid", "Een JSON Merge Patch op data is een JSON-object.")
	}
	return []byte(mustJSON(merge(t, p))), nil
}

func merge(target, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	tm, ok := target.(map[string]any)
	if !ok {
		tm = map[string]any{}
	}
	keys := make([]string, 0, len(pm))
	for k := range pm {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := pm[k]
		if v == nil {
			delete(tm, k)
			continue
		}
		tm[k] = merge(tm[k], v)
	}
	return tm
}
