package bundler

// objectenPatches fix defects of the objecten specifications (objecten and objecttypen).
var objectenPatches = []patchFunc{}
