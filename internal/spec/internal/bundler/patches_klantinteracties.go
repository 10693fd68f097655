package bundler

// klantinteractiesPatches fix defects of the klantinteracties specification.
var klantinteractiesPatches = []patchFunc{}
