package documenten

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/meent/meent/internal/zgw"
)

// The JSON body of an enkelvoudiginformatieobject create or update can carry the content as
// a base64 string of gigabytes. It is read as a stream: every member except inhoud is copied
// into a small metadata object (bounded like any other JSON body, zgw.MaxBody), and the
// inhoud string is decoded from base64 while it is read and handed on as a reader, straight
// into the blob store. Neither the body nor the content is ever held whole in memory.

// inputError marks a failure of the client's body (malformed JSON, broken connection), as
// opposed to a failure of the storage the content is written to.
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

// streamed is a body read by streamBody.
type streamed struct {
	meta []byte // the JSON object without inhoud
	// inhoud: true when a non-empty inhoud string was sent (and handed to the sink);
	// inhoudSent: when the key was there at all (any value).
	inhoud, inhoudSent bool
}

// streamBody reads one JSON object from rd. A non-empty string value of the top-level key
// "inhoud" is base64-decoded while it is read and given to sink; the sink must consume it
// or fail. Errors are *zgw.Error for bad input, or the sink's error.
func streamBody(rd io.Reader, sink func(io.Reader) error) (*streamed, error) {
	s := &scanner{br: bufio.NewReaderSize(rd, 64<<10)}
	out := &streamed{}
	s.meta.WriteByte('{')
	b, err := s.ws()
	if err != nil || b != '{' {
		return nil, s.syntax(err)
	}
	first := true
	for {
		b, err = s.ws()
		if err != nil {
			return nil, s.syntax(err)
		}
		if b == '}' && first {
			break
		}
		if b != '"' {
			return nil, s.syntax(nil)
		}
		raw, err := s.str()
		if err != nil {
			return nil, s.syntax(err)
		}
		key, err := strconv.Unquote(string(raw))
		if err != nil {
			// strconv does not know every JSON escape; such keys are not inhoud anyway
			key = ""
		}
		if b, err = s.ws(); err != nil || b != ':' {
			return nil, s.syntax(err)
		}
		if !first {
			s.meta.WriteByte(',')
		}
		first = false
		s.meta.Write(raw)
		s.meta.WriteByte(':')
		if b, err = s.ws(); err != nil {
			return nil, s.syntax(err)
		}
		if key == "inhoud" {
			if out.inhoudSent {
				return nil, zgw.FieldError("inhoud", "invalid", "Het veld inhoud komt twee keer voor.")
			}
			out.inhoudSent = true
		}
		if key == "inhoud" && b == '"' {
			next, err := s.br.Peek(1)
			if err != nil {
				return nil, s.syntax(err)
			}
			if next[0] == '"' { // "" is no content
				s.br.ReadByte()
				s.meta.WriteString(`null`)
			} else {
				out.inhoud = true
				sr := &strReader{br: s.br}
				if err := sink(base64.NewDecoder(base64.StdEncoding, sr)); err != nil {
					return nil, contentError(err)
				}
				if _, err := io.Copy(io.Discard, sr); err != nil {
					return nil, contentError(err)
				}
				s.meta.WriteString(`null`)
			}
		} else if err := s.value(b); err != nil {
			return nil, err
		}
		if s.meta.Len() > zgw.MaxBody {
			return nil, zgw.FieldError("nonFieldErrors", "max-size", fmt.Sprintf("De gegevens naast inhoud zijn groter dan %d bytes.", zgw.MaxBody))
		}
		if b, err = s.ws(); err != nil {
			return nil, s.syntax(err)
		}
		if b == '}' {
			break
		}
		if b != ',' {
			return nil, s.syntax(nil)
		}
	}
	s.meta.WriteByte('}')
	if _, err := s.ws(); err != io.EOF {
		return nil, s.syntax(err)
	}
	out.meta = s.meta.Bytes()
	return out, nil
}

// contentError maps a failure while storing inhoud: bad base64 and bad JSON are the
// client's, too large is a limit, the rest is the storage's.
func contentError(err error) error {
	var corrupt base64.CorruptInputError
	var in *inputError
	var tooBig *tooLargeError
	switch {
	case errors.As(err, &in):
		return bodyError(in.err)
	case errors.As(err, &corrupt), errors.Is(err, io.ErrUnexpectedEOF):
		// The decoder ends a string whose length is no multiple of four with
		// io.ErrUnexpectedEOF; a body that ends early is an inputError, handled above.
		return zgw.FieldError("inhoud", "invalid", "De inhoud is geen geldige base64.")
	case errors.As(err, &tooBig):
		return zgw.FieldError("inhoud", "file-size", fmt.Sprintf("De inhoud is groter dan de maximale omvang van %d bytes.", tooBig.max))
	}
	return err
}

type tooLargeError struct{ max int64 }

func (e *tooLargeError) Error() string { return fmt.Sprintf("content larger than %d bytes", e.max) }

// bodyError is the answer to a body that could not be read.
func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return zgw.FieldError("nonFieldErrors", "max-size", "De request body is te groot.")
	}
	return zgw.FieldError("nonFieldErrors", "parse_error", "JSON parse error: de request body is geen geldig JSON-object.")
}

type scanner struct {
	br   *bufio.Reader
	meta bytes.Buffer
}

func (s *scanner) syntax(err error) error {
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return bodyError(err)
	}
	return zgw.FieldError("nonFieldErrors", "parse_error", "JSON parse error: de request body is geen geldig JSON-object.")
}

// ws returns the next byte that is not white space.
func (s *scanner) ws() (byte, error) {
	for {
		b, err := s.br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return b, nil
	}
}

// str reads the rest of a string whose opening quote was read and returns it raw, quotes
// included.
func (s *scanner) str() ([]byte, error) {
	out := []byte{'"'}
	for {
		b, err := s.br.ReadByte()
		if err != nil {
			return nil, err
		}
		out = append(out, b)
		switch b {
		case '\\':
			e, err := s.br.ReadByte()
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		case '"':
			return out, nil
		}
		if len(out) > zgw.MaxBody {
			return nil, errors.New("string too long")
		}
	}
}

// value copies one JSON value starting with b into meta; objects and arrays as a whole.
// Its validity is checked later, when the metadata is parsed.
func (s *scanner) value(b byte) error {
	switch b {
	case '"':
		raw, err := s.str()
		if err != nil {
			return s.syntax(err)
		}
		s.meta.Write(raw)
		return nil
	case '{', '[':
		depth := 0
		for {
			switch b {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			if b == '"' {
				raw, err := s.str()
				if err != nil {
					return s.syntax(err)
				}
				s.meta.Write(raw)
			} else {
				s.meta.WriteByte(b)
			}
			if depth == 0 {
				return nil
			}
			if s.meta.Len() > zgw.MaxBody {
				return zgw.FieldError("nonFieldErrors", "max-size", fmt.Sprintf("De request body is groter dan %d bytes.", zgw.MaxBody))
			}
			var err error
			if b, err = s.br.ReadByte(); err != nil {
				return s.syntax(err)
			}
		}
	default:
		for n := 0; ; n++ {
			if n > 64 { // no number or literal is this long
				return s.syntax(nil)
			}
			s.meta.WriteByte(b)
			var err error
			if b, err = s.br.ReadByte(); err != nil {
				return s.syntax(err)
			}
			switch b {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				return s.br.UnreadByte()
			}
		}
	}
}

// strReader yields the characters of a JSON string (escapes decoded) up to its closing
// quote, which it consumes; then io.EOF. Base64 is ASCII, so escapes are rare (\/ and \n
// from some encoders); a non-ASCII character makes the content invalid.
type strReader struct {
	br   *bufio.Reader
	done bool
}

func (r *strReader) Read(p []byte) (int, error) {
	if r.done {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) {
		if n > 0 && r.br.Buffered() == 0 {
			break // hand over what we have rather than block
		}
		b, err := r.br.ReadByte()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return n, &inputError{err}
		}
		switch {
		case b == '"':
			r.done = true
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		case b == '\\':
			e, err := r.br.ReadByte()
			if err != nil {
				return n, &inputError{err}
			}
			switch e {
			case '/', '\\', '"':
				b = e
			case 'n':
				b = '\n'
			case 'r':
				b = '\r'
			case 't', 'b', 'f', 'u':
				// never part of base64; make the decoder fail on it
				b = '!'
				if e == 'u' {
					var hex [4]byte
					if _, err := io.ReadFull(r.br, hex[:]); err != nil {
						return n, &inputError{err}
					}
				}
			default:
				return n, &inputError{errors.New("invalid escape")}
			}
		case b >= utf8.RuneSelf || b < 0x20:
			b = '!'
		}
		p[n] = b
		n++
	}
	return n, nil
}
