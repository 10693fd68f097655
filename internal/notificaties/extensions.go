package notificaties

import (
	_ "embed"
	"net/http"
	"strings"
	"time"

	"github.com/meent/meent/internal/outbox"
	"github.com/meent/meent/internal/zgw"
)

// extensionSpec is the OpenAPI document of the routes below {root}/x-meent, which are not part
// of the Notificaties API standard.
//
//go:embed xmeent.yaml
var extensionSpec []byte

// ExtensionSpec returns the OpenAPI document of the extension routes (served at
// {root}/x-meent/openapi.yaml).
func ExtensionSpec() []byte { return extensionSpec }

// mountExtensions adds the delivery log of an abonnement and the kanaal pages, all below
// {root}/x-meent so that the standard surface stays clean. Reading and replaying deliveries,
// and pausing and resuming an abonnement, take notificaties.consumeren: the scope that may
// create, change and delete any abonnement may also operate its deliveries.
func (r *Register) mountExtensions(api *zgw.API) {
	con := zgw.Scopes(scopeConsumeren)
	api.Handle("GET /x-meent/openapi.yaml", zgw.Public, r.serveExtensionSpec)
	api.Handle("GET /x-meent/kanalen/{naam}", zgw.Public, r.kanaalDoc)
	api.Handle("GET /x-meent/abonnement/{uuid}/deliveries", con, r.deliveryList)
	api.Handle("POST /x-meent/abonnement/{uuid}/deliveries/replay", con, r.replayAll)
	api.Handle("POST /x-meent/abonnement/{uuid}/deliveries/{id}/replay", con, r.replayOne)
	api.Handle("POST /x-meent/abonnement/{uuid}/pause", con, r.pause)
	api.Handle("POST /x-meent/abonnement/{uuid}/resume", con, r.resume)
}

func (r *Register) serveExtensionSpec(c *zgw.Call) error {
	c.W.Header().Set("Content-Type", "application/vnd.oai.openapi")
	_, err := c.W.Write(extensionSpec)
	return err
}

// deliveryOut is one delivery as the extension API renders it.
type deliveryOut struct {
	ID          string          `json:"id"`
	Abonnement  string          `json:"abonnement"`
	Notificatie zgw.Notificatie `json:"notificatie"`
	State       string          `json:"state"`
	Attempts    int             `json:"attempts"`
	NextAttempt *time.Time      `json:"nextAttempt"`
	DeliveredAt *time.Time      `json:"deliveredAt"`
	LastStatus  *int            `json:"lastStatus"`
	LastError   string          `json:"lastError"`
	Log         []attemptOut    `json:"log"`
}

type attemptOut struct {
	At         time.Time `json:"at"`
	Status     *int      `json:"status"`
	DurationMs float64   `json:"durationMs"`
	Error      string    `json:"error"`
}

func statusPtr(s int) *int {
	if s == 0 {
		return nil
	}
	return &s
}

func (r *Register) renderDelivery(d outbox.Delivery) deliveryOut {
	out := deliveryOut{
		ID: d.ID, Abonnement: r.api.URL("abonnement", d.Abonnement), Notificatie: d.Notificatie, State: d.State,
		Attempts: d.Attempts, NextAttempt: d.NextAttempt, DeliveredAt: d.DeliveredAt, LastStatus: statusPtr(d.LastStatus),
		LastError: d.LastError, Log: make([]attemptOut, len(d.AttemptsLog)),
	}
	if out.Notificatie.Kenmerken == nil {
		out.Notificatie.Kenmerken = map[string]string{}
	}
	for i, a := range d.AttemptsLog {
		out.Log[i] = attemptOut{At: a.At, Status: statusPtr(a.Status), DurationMs: float64(a.Duration.Microseconds()) / 1000, Error: a.Error}
	}
	return out
}

// deliveryStates are the states a delivery can be in (outbox.Delivery.State).
var deliveryStates = []string{"pending", "delivered", "dead"}

func (r *Register) deliveryList(c *zgw.Call) error {
	a, err := r.extensionAbonnement(c)
	if err != nil {
		return err
	}
	q := c.Query("state", "page")
	state := q.Enum("state", deliveryStates...)
	if err := q.Err(); err != nil {
		return err
	}
	ds, count, err := r.deliveries.Deliveries(c.Ctx(), a.UUID, state, q.Page, zgw.PageSize)
	if err != nil {
		return err
	}
	out := make([]deliveryOut, len(ds))
	for i, d := range ds {
		out[i] = r.renderDelivery(d)
	}
	page, err := zgw.Paginate(c, q.Page, count, out)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// replayed is the answer of a replay: how many dead letters went back in the queue.
type replayed struct {
	Requeued int `json:"requeued"`
}

func (r *Register) replayAll(c *zgw.Call) error {
	a, err := r.extensionAbonnement(c)
	if err != nil {
		return err
	}
	n, err := r.deliveries.Replay(c.Ctx(), a.UUID, "")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, replayed{n})
}

func (r *Register) replayOne(c *zgw.Call) error {
	a, err := r.extensionAbonnement(c)
	if err != nil {
		return err
	}
	id := strings.ToLower(c.R.PathValue("id"))
	if !zgw.ValidUUID(id) {
		return zgw.ErrNotFound()
	}
	n, err := r.deliveries.Replay(c.Ctx(), a.UUID, id)
	if err != nil {
		return err
	}
	if n == 0 {
		// No dead letter of this abonnement has that id (unknown, or not dead).
		return zgw.ErrNotFound()
	}
	return c.JSON(http.StatusOK, replayed{n})
}

func (r *Register) pause(c *zgw.Call) error {
	a, err := r.extensionAbonnement(c)
	if err != nil {
		return err
	}
	if err := r.deliveries.Pause(c.Ctx(), a.UUID); err != nil {
		return err
	}
	return c.NoContent()
}

func (r *Register) resume(c *zgw.Call) error {
	a, err := r.extensionAbonnement(c)
	if err != nil {
		return err
	}
	if err := r.deliveries.Resume(c.Ctx(), a.UUID); err != nil {
		return err
	}
	return c.NoContent()
}

// extensionAbonnement is the abonnement of an extension route; 404 when it does not exist
// or when no delivery engine was mounted.
func (r *Register) extensionAbonnement(c *zgw.Call) (*abonnement, error) {
	if r.deliveries == nil {
		return nil, zgw.ErrNotFound()
	}
	return r.abonnementFromPath(c)
}
