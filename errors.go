package kr8s

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/kr8s-go/kr8s/internal/auth"
)

// Sentinel errors for the common API statuses. A *StatusError matches them
// with errors.Is:
//
//	if errors.Is(err, kr8s.ErrNotFound) { ... }
var (
	ErrNotFound        = errors.New("not found")
	ErrAlreadyExists   = errors.New("already exists")
	ErrConflict        = errors.New("conflict")
	ErrForbidden       = errors.New("forbidden")
	ErrUnauthorized    = errors.New("unauthorized")
	ErrGone            = errors.New("gone")
	ErrTooManyRequests = errors.New("too many requests")
	ErrInvalid         = errors.New("invalid")
	ErrBadRequest      = errors.New("bad request")
	ErrServerError     = errors.New("server error")
)

// ErrCredential is wrapped by errors that mean the client could not obtain
// a credential to send: an exec plugin that is missing, fails, times out or
// needs a terminal that is not there, or a token file that cannot be read.
// Retrying cannot fix it; a watch ends with it.
var ErrCredential = auth.ErrCredential

// ErrUnknownKind is matched (errors.Is) by the *UnknownKindError that
// LookupKind returns for a name the server does not serve, and by the
// error of a manifest's kind that is not served as written.
var ErrUnknownKind = errors.New("unknown kind")

// UnknownKindError is a kind name that resolves to nothing. It matches
// ErrUnknownKind with errors.Is; errors.As gives its fields:
//
//	var uk *kr8s.UnknownKindError
//	if errors.As(err, &uk) && len(uk.Suggestions) > 0 {
//		fmt.Println("did you mean", uk.Suggestions[0])
//	}
type UnknownKindError struct {
	// Name is the name as given (cut to 64 bytes when it is not a kind
	// name at all).
	Name string
	// Suggestions are the served names nearest to Name, written in its
	// shape (name, name.group, name/version), best first; at most three.
	Suggestions []string
	// Reason says why nothing matched, when there are no suggestions:
	// the name is malformed, or the server has no such resource type.
	Reason string
	// Unavailable lists the API groups whose discovery failed, so the
	// kind may exist in one of them.
	Unavailable []string
}

// Error returns `unknown kind "deploymnet": did you mean "deployment"?`,
// or the Reason when there is no suggestion.
func (e *UnknownKindError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "unknown kind %q: ", e.Name)
	if len(e.Suggestions) > 0 {
		b.WriteString("did you mean ")
		for i, s := range e.Suggestions {
			if i > 0 {
				b.WriteString(" or ")
			}
			fmt.Fprintf(&b, "%q", s)
		}
		b.WriteString("?")
	} else {
		b.WriteString(e.Reason)
	}
	if un := e.Unavailable; len(un) > 0 {
		if len(un) > 5 {
			un = append(un[:5:5], "...")
		}
		b.WriteString(" (discovery failed for " + strings.Join(un, ", ") + ")")
	}
	return b.String()
}

// Is reports whether target is ErrUnknownKind.
func (e *UnknownKindError) Is(target error) bool { return target == ErrUnknownKind }

// ErrNotScalable is matched by the error of Scale on an object whose kind
// has neither a scale subresource nor a Kind.ScalePath.
var ErrNotScalable = errors.New("not scalable")

// ErrPodGone reports that a forwarded pod was deleted.
var ErrPodGone = errors.New("pod is gone")

// ExitError reports a command that ran and exited with a non-zero code
// (kr8s's ExecError with check=True).
type ExitError struct {
	Code    int
	Command []string
	Stderr  []byte // captured stderr, when Exec captured it
}

// Error says which command failed with which code.
func (e *ExitError) Error() string {
	return fmt.Sprintf("command %q terminated with exit code %d", e.Command, e.Code)
}

// StatusError is a non-2xx answer from the API server, carrying the
// server's Status (code, reason, message, details).
type StatusError struct {
	Method string // HTTP method of the request
	Path   string // request path, without the query
	Code   int    // HTTP status code
	// Reason is the Status reason, such as "NotFound" or "AlreadyExists".
	// It is empty when the body was not a Status.
	Reason  string
	Message string
	Details *StatusDetails
	// Body holds up to 1 KiB of the body when it was not a Status, for
	// errors from proxies and API Priority and Fairness (plain text).
	Body string
}

// StatusDetails is the details part of a Kubernetes Status.
type StatusDetails struct {
	Name              string        `json:"name,omitempty"`
	Group             string        `json:"group,omitempty"`
	Kind              string        `json:"kind,omitempty"`
	UID               string        `json:"uid,omitempty"`
	Causes            []StatusCause `json:"causes,omitempty"`
	RetryAfterSeconds int           `json:"retryAfterSeconds,omitempty"`
}

// StatusCause is one cause of a failure, such as an invalid field.
type StatusCause struct {
	Type    string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	Field   string `json:"field,omitempty"`
}

// Error reads like kubectl's: `get /api/v1/namespaces/x/pods/web: pods "web" not found (NotFound)`.
func (e *StatusError) Error() string {
	var sb strings.Builder
	if e.Method != "" {
		sb.WriteString(strings.ToUpper(e.Method))
		sb.WriteString(" ")
		sb.WriteString(e.Path)
		sb.WriteString(": ")
	}
	msg := e.Message
	if msg == "" {
		msg = e.Body
	}
	if msg == "" {
		msg = http.StatusText(e.Code)
	}
	sb.WriteString(msg)
	reason := e.Reason
	if reason == "" {
		reason = http.StatusText(e.Code)
	}
	fmt.Fprintf(&sb, " (%d %s)", e.Code, reason)
	return sb.String()
}

// Is maps the status to the sentinel errors by reason, then by code.
func (e *StatusError) Is(target error) bool {
	switch e.Reason {
	case "NotFound":
		return target == ErrNotFound
	case "AlreadyExists":
		return target == ErrAlreadyExists
	case "Conflict":
		return target == ErrConflict
	case "Forbidden":
		return target == ErrForbidden
	case "Unauthorized":
		return target == ErrUnauthorized
	case "Expired", "Gone":
		return target == ErrGone
	case "TooManyRequests":
		return target == ErrTooManyRequests
	case "Invalid":
		return target == ErrInvalid
	case "BadRequest":
		return target == ErrBadRequest
	}
	switch e.Code {
	case http.StatusNotFound:
		return target == ErrNotFound
	case http.StatusConflict:
		return target == ErrConflict
	case http.StatusForbidden:
		return target == ErrForbidden
	case http.StatusUnauthorized:
		return target == ErrUnauthorized
	case http.StatusGone:
		return target == ErrGone
	case http.StatusTooManyRequests:
		return target == ErrTooManyRequests
	case http.StatusUnprocessableEntity:
		return target == ErrInvalid
	case http.StatusBadRequest:
		return target == ErrBadRequest
	}
	return e.Code >= 500 && target == ErrServerError
}

// status is the wire form of a Kubernetes Status object.
type status struct {
	Kind    string         `json:"kind"`
	Status  string         `json:"status"`
	Message string         `json:"message"`
	Reason  string         `json:"reason"`
	Details *StatusDetails `json:"details"`
	Code    int            `json:"code"`
}

// newStatusError builds the error for a response with a non-2xx code from
// up to 1 MiB of its body.
func newStatusError(method, path string, code int, body []byte) *StatusError {
	e := &StatusError{Method: method, Path: path, Code: code}
	var st status
	if json.Unmarshal(body, &st) == nil && st.Kind == "Status" {
		e.Reason, e.Message, e.Details = st.Reason, st.Message, st.Details
		return e
	}
	b := strings.TrimSpace(strings.ToValidUTF8(string(body), "\uFFFD"))
	if len(b) > 1024 {
		b = b[:1024] + "..."
	}
	e.Body = b
	return e
}
