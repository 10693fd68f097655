package notificaties

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/meent/meent/internal/db"
	"github.com/meent/meent/internal/outbox"
	"github.com/meent/meent/internal/zgw"
)

// notificatieCreate accepts a message of an external publisher (notificaties.md §2): checked
// against its kanaal, written to the outbox in one transaction with its own aanmaakdatum (it
// is forwarded unchanged), and answered with the message itself. Delivery to the abonnementen
// follows from the outbox, as for Meent's own registers.
func (r *Register) notificatieCreate(c *zgw.Call) error {
	var n zgw.Notificatie
	if _, err := c.Body("notificaties_create", &n); err != nil {
		return err
	}
	n.Kanaal = strings.TrimSpace(n.Kanaal)
	if n.Kenmerken == nil {
		n.Kenmerken = map[string]string{}
	}
	kanalen, err := kanalenByNaam(c.Ctx(), r.db, []string{n.Kanaal})
	if err != nil {
		return err
	}
	if err := checkMessage(n, kanalen[n.Kanaal]); err != nil {
		return err
	}
	if err := r.db.Update(c.Ctx(), func(tx *db.Tx) error { return outbox.Enqueue(c.Ctx(), tx, n) }); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, n)
}

// checkMessage applies Open Notificaties' rules to a published message: the kanaal exists
// (code message_kanaal on kanaal), and the kenmerk names are consistent with the kanaal's
// filters (code kenmerken_inconsistent on kenmerken). k is nil when the kanaal does not exist.
func checkMessage(n zgw.Notificatie, k *storedKanaal) error {
	if k == nil {
		return zgw.FieldError("kanaal", "message_kanaal", fmt.Sprintf("Kanaal met de naam %q bestaat niet.", n.Kanaal))
	}
	if !consistentNames(k.Filters, slices.Collect(maps.Keys(n.Kenmerken))) {
		return zgw.FieldError("kenmerken", "kenmerken_inconsistent",
			fmt.Sprintf("De kenmerken passen niet bij de filters van kanaal %q (%s).", k.Naam, strings.Join(k.Filters, ", ")))
	}
	return nil
}
