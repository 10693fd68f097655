// Package zgw is the kit of conventions that every ZGW register shares: problem+json errors,
// request bodies checked against the OAS, query parameters, pagination, JWT authentication
// and autorisaties, ETags, URL references, the audit trail and the notification outbox.
// A register's resource files hold only what is their own and lean on this package for the rest.
package zgw

import (
	"errors"
	"fmt"
	"net/http"
)

// Kind classifies an error; it is mapped to an HTTP status once, in Kind.status.
type Kind int

const (
	Internal Kind = iota
	Invalid
	Unauthenticated
	Forbidden
	NotFound
	MethodNotAllowed
	NotAcceptable
	Conflict
	PreconditionFailed
	UnsupportedMediaType
)

var kindInfo = map[Kind]struct {
	status int
	code   string
	title  string
}{
	Internal:             {http.StatusInternalServerError, "error", "Er is een serverfout opgetreden."},
	Invalid:              {http.StatusBadRequest, "invalid", "Invalid input."},
	Unauthenticated:      {http.StatusUnauthorized, "not_authenticated", "Authenticatiegegevens zijn niet opgegeven of ongeldig."},
	Forbidden:            {http.StatusForbidden, "permission_denied", "U heeft geen toestemming om deze actie uit te voeren."},
	NotFound:             {http.StatusNotFound, "not_found", "Niet gevonden."},
	MethodNotAllowed:     {http.StatusMethodNotAllowed, "method_not_allowed", "Methode niet toegestaan."},
	NotAcceptable:        {http.StatusNotAcceptable, "not_acceptable", "Kan niet voldoen aan de opgegeven Accept header."},
	Conflict:             {http.StatusConflict, "conflict", "Conflict."},
	PreconditionFailed:   {http.StatusPreconditionFailed, "precondition_failed", "Precondition failed."},
	UnsupportedMediaType: {http.StatusUnsupportedMediaType, "unsupported_media_type", "Media type wordt niet ondersteund."},
}

// Status is the HTTP status of the kind.
func (k Kind) Status() int { return kindInfo[k].status }

// InvalidParam is one entry of ValidatieFout.invalidParams.
type InvalidParam struct {
	Name   string `json:"name"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// Error is the one error type the handlers return; WriteError renders it as problem+json.
type Error struct {
	Kind          Kind
	Code          string // machine code; defaults to the kind's
	Detail        string
	InvalidParams []InvalidParam
	Err           error // cause, logged but never shown
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s: %s", e.code(), e.Detail)
	for _, p := range e.InvalidParams {
		msg += fmt.Sprintf(" [%s %s: %s]", p.Name, p.Code, p.Reason)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) code() string {
	if e.Code != "" {
		return e.Code
	}
	return kindInfo[e.Kind].code
}

// Errorf returns an *Error of kind k with a formatted detail.
func Errorf(k Kind, code, format string, args ...any) *Error {
	return &Error{Kind: k, Code: code, Detail: fmt.Sprintf(format, args...)}
}

// Validation returns a 400 ValidatieFout with the given params.
func Validation(params ...InvalidParam) *Error {
	return &Error{Kind: Invalid, Detail: "Er zijn validatiefouten opgetreden.", InvalidParams: params}
}

// FieldError is a 400 ValidatieFout for one field.
func FieldError(name, code, reason string) *Error {
	return Validation(InvalidParam{Name: name, Code: code, Reason: reason})
}

// Errs accumulates field errors so that a request gets all its problems in one answer.
type Errs struct{ Params []InvalidParam }

// Add records one problem.
func (e *Errs) Add(name, code, reason string) {
	e.Params = append(e.Params, InvalidParam{Name: name, Code: code, Reason: reason})
}

// Err is nil when nothing was added, else the ValidatieFout.
func (e *Errs) Err() error {
	if len(e.Params) == 0 {
		return nil
	}
	return Validation(e.Params...)
}

// errNotFound is shared: a 404 carries nothing specific to the request.
var errNotFound = &Error{Kind: NotFound, Detail: "Niet gevonden."}

// ErrNotFound returns the standard 404.
func ErrNotFound() error { return errNotFound }

// ErrForbidden returns the standard 403.
func ErrForbidden() error {
	return &Error{Kind: Forbidden, Detail: "U heeft geen toestemming om deze actie uit te voeren."}
}

// KindOf returns the kind of err, Internal for errors that are not *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}
