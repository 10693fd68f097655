package zaken

// mountZaakverzoek serves /zaakverzoeken: the relation of a zaak to a verzoek of the
// (obsolete) Verzoeken API, held as its URL (zrc-024).
func (r *register) mountZaakverzoek() {
	(&urlRelatie{r: r, resource: "zaakverzoek", collection: "zaakverzoeken", field: "verzoek"}).mount()
}
