package catalogi

func (r *register) mountInformatieobjecttype() {}
