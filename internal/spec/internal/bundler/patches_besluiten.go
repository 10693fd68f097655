package bundler

// besluitenPatches fix defects of the besluiten specification.
var besluitenPatches = []patchFunc{}
