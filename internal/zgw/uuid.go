package zgw

import "github.com/google/uuid"

// NewUUID returns a random (version 4) UUID, as the standard wants for resource ids.
func NewUUID() string { return uuid.NewString() }

func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

// ValidUUID reports whether s is a UUID in its canonical 36-character form.
func ValidUUID(s string) bool { return validUUID(s) }
