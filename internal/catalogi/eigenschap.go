package catalogi

func (r *register) mountEigenschap() {}
