package catalogi

func (r *register) mountZaakobjecttype() {}
