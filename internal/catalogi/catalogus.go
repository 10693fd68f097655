package catalogi

func (r *register) mountCatalogus() {}
