package catalogi

func (r *register) mountZaaktype() {}
