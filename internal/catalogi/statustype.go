package catalogi

func (r *register) mountStatustype() {}
