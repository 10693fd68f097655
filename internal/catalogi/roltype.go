package catalogi

func (r *register) mountRoltype() {}
