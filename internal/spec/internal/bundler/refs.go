package bundler

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// External $refs are resolved by copying the referenced schemas into the
// document, because the served spec must be self-contained: kin-openapi in
// the tests and clients fetching /openapi.yaml cannot follow refs into files
// that are not served (or, for besluiten 1.1.0, do not exist at a stable URL).

const schemasPrefix = "#/components/schemas/"

// refTargets maps the document part of an external $ref to the stored spec
// file that stands in for it.
var refTargets = map[string]string{
	// zaken 1.5.1 and documenten 1.5.0 point at the moving "current_version"
	// of catalogi; 1.3.1 is the version Meent serves.
	"https://raw.githubusercontent.com/VNG-Realisatie/gemma-zaken/master/api-specificatie/ztc/current_version/openapi.yaml": "catalogi-1.3.1.yaml",
	// besluiten 1.1.0 points into the gemma-zaken tree at the ZGW 1.6 versions,
	// which are not stored; Meent serves the versions below.
	"../../../catalogi/ztc/1.3.x/1.3.2/openapi.yaml":   "catalogi-1.3.1.yaml",
	"../../../zaken/zrc/1.6.x/1.6.0/openapi.yaml":      "zaken-1.5.1.yaml",
	"../../../documenten/drc/1.6.x/1.6.0/openapi.yaml": "documenten-1.5.0.yaml",
}

// schemaSubstitutes names schemas that the mapped-to version lacks, with the
// schema of that version that describes the same resource.
var schemaSubstitutes = map[schemaID]schemaID{
	// Catalogi 1.3.1 has no expand, so no BesluitTypeExpanded; its
	// BesluitType is the same object without _expand (and allows extra
	// properties, so an expanded besluittype still validates).
	{"catalogi-1.3.1.yaml", "BesluitTypeExpanded"}: {"catalogi-1.3.1.yaml", "BesluitType"},
}

// schemaID is a schema in a file: the node of the reference graph.
type schemaID struct{ file, name string }

func (s schemaID) String() string { return s.file + "#/components/schemas/" + s.name }

// resolver resolves the external refs of one target document.
type resolver struct {
	b      *bundle
	target string // file name of the document being bundled
	// graph, filled by visit: the content of each schema and what it refers to.
	nodes map[schemaID]*yaml.Node
	deps  map[schemaID][]schemaID
}

// resolveRef maps a $ref written in file to the schema it denotes; ok is
// false for local refs to other component kinds, which need no resolving.
func (r *resolver) resolveRef(file, ref string) (id schemaID, ok bool, err error) {
	if !strings.ContainsAny(ref, "#/") {
		ref = schemasPrefix + ref // a mapping value may be a bare schema name
	}
	doc, frag, _ := strings.Cut(ref, "#")
	if doc != "" {
		mapped, known := refTargets[doc]
		if !known {
			return id, false, fmt.Errorf("%s: unknown external $ref %q", file, ref)
		}
		file = mapped
	}
	name, isSchema := strings.CutPrefix("#"+frag, schemasPrefix)
	if !isSchema || strings.Contains(name, "/") {
		if doc != "" {
			return id, false, fmt.Errorf("%s: external $ref %q is not a whole schema", file, ref)
		}
		return id, false, nil
	}
	id = schemaID{file, name}
	if sub, found := schemaSubstitutes[id]; found {
		id = sub
	}
	return id, true, nil
}

// visit adds id and everything it refers to, transitively, to the graph.
func (r *resolver) visit(id schemaID) error {
	if _, seen := r.nodes[id]; seen {
		return nil
	}
	doc, err := r.b.source(id.file)
	if err != nil {
		return err
	}
	n := dig(doc, "components", "schemas", id.name)
	if n == nil {
		return fmt.Errorf("%s not found", id)
	}
	r.nodes[id] = n
	var deps []schemaID
	var walkErr error
	refSlots(n, "", func(slot *yaml.Node, _ string) {
		if walkErr != nil {
			return
		}
		ref := slot.Value
		dep, ok, err := r.resolveRef(id.file, ref)
		if err != nil || !ok {
			walkErr = err
			if err == nil && id.file != r.target {
				walkErr = fmt.Errorf("%s: $ref %q to a non-schema component cannot be copied", id, ref)
			}
			return
		}
		deps = append(deps, dep)
	})
	if walkErr != nil {
		return walkErr
	}
	r.deps[id] = deps
	for _, d := range deps {
		if err := r.visit(d); err != nil {
			return err
		}
	}
	return nil
}

// classes partitions the graph into classes of schemas that mean the same:
// equal content once each ref is replaced by the class of what it points to
// (the coarsest such partition, found by refinement, so reference cycles are
// handled). A copied schema may reuse a name of the target only when it is in
// the same class as the target's schema of that name.
func (r *resolver) classes() map[schemaID]int {
	ids := sortedIDs(r.nodes)
	shape := make(map[schemaID]string, len(ids))
	for _, id := range ids {
		var sb strings.Builder
		canonical(r.nodes[id], &sb, func(string) string { return "" })
		shape[id] = sb.String()
	}
	class := map[schemaID]int{}
	for n := 0; ; {
		sigs := map[string]int{}
		next := map[schemaID]int{}
		for _, id := range ids {
			var sb strings.Builder
			sb.WriteString(shape[id])
			for _, d := range r.deps[id] {
				sb.WriteString("|" + strconv.Itoa(class[d]))
			}
			s := sb.String()
			if _, ok := sigs[s]; !ok {
				sigs[s] = len(sigs)
			}
			next[id] = sigs[s]
		}
		class = next
		if len(sigs) == n {
			return class
		}
		n = len(sigs)
	}
}

// resolveExternalRefs copies every schema that doc refers to outside itself
// into doc's components and rewrites the refs to the local copies.
func (b *bundle) resolveExternalRefs(api API, doc *yaml.Node) error {
	r := &resolver{b: b, target: api.File, nodes: map[schemaID]*yaml.Node{}, deps: map[schemaID][]schemaID{}}
	schemas := dig(doc, "components", "schemas")
	// The target's own schemas are in the graph so that content can be compared.
	for i := 0; i+1 < len(schemas.Content); i += 2 {
		if err := r.visit(schemaID{api.File, schemas.Content[i].Value}); err != nil {
			return err
		}
	}
	type site struct {
		node *yaml.Node
		ptr  string
		ref  string
		to   schemaID // after substitution
	}
	var sites []site
	var err error
	refSlots(doc, "", func(slot *yaml.Node, ptr string) {
		ref := slot.Value
		if err != nil || strings.HasPrefix(ref, "#") || !strings.Contains(ref, "#") {
			return
		}
		var id schemaID
		if id, _, err = r.resolveRef(api.File, ref); err == nil {
			sites = append(sites, site{slot, ptr, ref, id})
			err = r.visit(id)
		}
	})
	if err != nil || len(sites) == 0 {
		return err
	}

	class := r.classes()
	names := map[schemaID]string{} // local name of every schema in the graph
	owner := map[string]int{}      // local name -> class of the schema under it
	for id := range r.nodes {
		if id.file == api.File {
			names[id] = id.name
			owner[id.name] = class[id]
		}
	}
	var copies []schemaID
	for _, id := range sortedIDs(r.nodes) {
		if id.file == api.File {
			continue
		}
		name := id.name
		for i := 1; ; i++ {
			c, taken := owner[name]
			if !taken || c == class[id] {
				break
			}
			// A different schema of that name exists: prefix the source API.
			name = apiOfFile(id.file).Title + id.name
			if i > 1 {
				name += strconv.Itoa(i)
			}
		}
		if _, taken := owner[name]; !taken {
			owner[name] = class[id]
			copies = append(copies, id)
		}
		names[id] = name
	}

	// Append the copies in name order, each with its refs made local.
	slices.SortFunc(copies, func(a, b schemaID) int { return strings.Compare(names[a], names[b]) })
	perFile := map[string][]string{}
	for _, id := range copies {
		if err := r.checkDiscriminators(id, names); err != nil {
			return err
		}
		c := clone(r.nodes[id])
		refSlots(c, "", func(slot *yaml.Node, _ string) {
			if dep, ok, _ := r.resolveRef(id.file, slot.Value); ok { // no error: resolved in visit
				setRef(slot, schemasPrefix+names[dep])
			}
		})
		schemas.Content = append(schemas.Content, str(names[id]), c)
		perFile[id.file] = append(perFile[id.file], fmt.Sprintf("`%s` as `%s`", id.name, names[id]))
	}
	for _, s := range sites {
		setRef(s.node, schemasPrefix+names[s.to])
		why := "The referenced file is not served and its URL is not pinned to a version; the schema now comes from `" + s.to.file + "`."
		if !strings.HasSuffix(s.ref, "/"+s.to.name) {
			why += " That version has no such schema; `" + s.to.name + "` describes the same resource without expand."
		}
		b.patch(api, s.ptr, fmt.Sprintf("`%s` -> `%s%s`", s.ref, schemasPrefix, names[s.to]), why)
	}
	for _, f := range sortedKeys(perFile) {
		b.patch(api, "/components/schemas",
			fmt.Sprintf("copied from `%s` (with what they refer to): %s", f, strings.Join(perFile[f], ", ")),
			"Targets of the rewritten external refs; a schema keeps its name unless the document already has a different schema of that name.")
	}
	return nil
}

// checkDiscriminators refuses to copy a discriminator without mapping whose
// schemas were renamed: the implicit mapping is by schema name, so the rename
// would silently break it. (Explicit mappings are rewritten like $refs.) No
// bundled file needs this today; the check keeps it that way.
func (r *resolver) checkDiscriminators(id schemaID, names map[schemaID]string) error {
	var err error
	walk(r.nodes[id], "", func(n *yaml.Node, ptr string) {
		d := get(n, "discriminator")
		if d == nil || get(d, "mapping") != nil || err != nil {
			return
		}
		for _, k := range []string{"oneOf", "anyOf"} {
			list := get(n, k)
			if list == nil {
				continue
			}
			for _, c := range list.Content {
				ref, isRef := refOf(c)
				if !isRef {
					continue
				}
				if dep, ok, _ := r.resolveRef(id.file, ref); ok && names[dep] != dep.name {
					err = fmt.Errorf("%s%s: implicit discriminator mapping over %s, which is renamed to %s", id, ptr, dep, names[dep])
					return
				}
			}
		}
	})
	return err
}

func sortedIDs[V any](m map[schemaID]V) []schemaID {
	ids := make([]schemaID, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b schemaID) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.file, b.file)
	})
	return ids
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
