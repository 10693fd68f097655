package catalogi

func (r *register) mountBesluittype() {}
