package catalogi

func (r *register) mountResultaattype() {}
