package zaken

// mountZaakcontactmoment serves /zaakcontactmomenten: the relation of a zaak to a
// contactmoment of the (obsolete) Contactmomenten API, held as its URL (zrc-025).
func (r *register) mountZaakcontactmoment() {
	(&urlRelatie{r: r, resource: "zaakcontactmoment", collection: "zaakcontactmomenten", field: "contactmoment"}).mount()
}
