package catalogi

func (r *register) mountZaaktypeInformatieobjecttype() {}
