package bundler

// documentenPatches fix defects of the documenten specification.
var documentenPatches = []patchFunc{}
