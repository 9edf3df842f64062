// Package manifest reads Kubernetes objects from YAML and JSON manifests
// (strings, files and directories) and writes objects back out as YAML or
// JSON.
//
// Reading follows kubectl: a stream is JSON if its first non-space
// character is "{" (one object or several concatenated objects), and
// otherwise YAML documents separated by "---" lines. YAML is converted to
// JSON with the semantics of sigs.k8s.io/yaml, which Kubernetes uses:
// YAML 1.1 plain scalars (yes/no/on/off are booleans, 0x1F and 017 are
// integers), integers kept exact, timestamps kept as strings, non-string
// mapping keys turned into strings, anchors, aliases and merge keys
// resolved. An object with an "items" field (a List) is expanded into its
// items. Every object must have apiVersion and kind.
package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Document is one Kubernetes object read from a manifest, as compact JSON.
type Document struct {
	// JSON is the object, a compact JSON object with its keys in the order
	// of the input.
	JSON []byte
	// Source is the file path the object was read from, or "" for
	// in-memory input.
	Source string
	// Index is the 0-based index of the document within Source, counting
	// only documents that hold something (empty, comment-only and null
	// documents are skipped and not counted). Objects expanded from one
	// List share the List's Index.
	Index int
	// Line is the 1-based line of Source where the document's content
	// starts, or 0 if unknown.
	Line int
	// Item is the 0-based position of the object in the items of the List
	// it was expanded from, or -1 if it did not come from a List.
	Item int
}

// ErrMissingKind and ErrMissingAPIVersion are wrapped by the errors for
// objects without a kind or apiVersion.
var (
	ErrMissingKind       = errors.New("object 'Kind' is missing")
	ErrMissingAPIVersion = errors.New("object 'apiVersion' is missing")
)

// Error is a problem with a manifest, located by source, document and line.
type Error struct {
	// Source is the file path, or "" for in-memory input.
	Source string
	// Index is the 0-based document index (as in Document.Index), or -1
	// if the problem is not within one document.
	Index int
	// Item is the 0-based List item, or -1.
	Item int
	// Line and Column locate the problem in Source (1-based), or are 0
	// when unknown.
	Line, Column int
	// Err is the underlying problem.
	Err error
}

// Error formats the error as "SOURCE:LINE:COL: document N: problem".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Source != "" {
		b.WriteString(e.Source)
	} else {
		b.WriteString("<input>")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Index >= 0 {
		fmt.Fprintf(&b, "document %d: ", e.Index)
	}
	if e.Item >= 0 {
		fmt.Fprintf(&b, "list item %d: ", e.Item)
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying problem.
func (e *Error) Unwrap() error { return e.Err }

var bom = []byte("\xef\xbb\xbf")

// rawDoc is a decoded, non-null document before List expansion.
type rawDoc struct {
	val  any
	line int
}

// Decode reads the Kubernetes objects in data, in order. data is either
// JSON (one or more concatenated objects; a top-level array is an error,
// as in kubectl) or multi-document YAML. A leading byte order mark and CRLF
// line endings are accepted. source names the input in documents and
// errors ("" for in-memory input). Errors are *Error values.
func Decode(data []byte, source string) ([]Document, error) {
	data = bytes.TrimPrefix(data, bom)
	var raws []rawDoc
	var err error
	if looksLikeJSON(data) {
		raws, err = decodeJSONStream(data, source)
		if err != nil {
			// kubectl stops here; a flow-style YAML document such as
			// "{apiVersion: v1, ...}" is still valid YAML, so try that.
			if yr, yerr := decodeYAMLStream(data, source); yerr == nil {
				raws, err = yr, nil
			}
		}
	} else {
		raws, err = decodeYAMLStream(data, source)
	}
	if err != nil {
		return nil, err
	}
	var docs []Document
	for i, r := range raws {
		docs, err = appendObjects(docs, r, source, i)
		if err != nil {
			return nil, err
		}
	}
	return docs, nil
}

// DecodeReader reads all of r and decodes it like Decode.
func DecodeReader(r io.Reader, source string) ([]Document, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &Error{Source: source, Index: -1, Item: -1, Err: err}
	}
	return Decode(data, source)
}

func looksLikeJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

func lineAt(data []byte, off int64) int {
	if off < 0 {
		return 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// decodeJSONStream reads concatenated JSON values; null values are skipped.
func decodeJSONStream(data []byte, source string) ([]rawDoc, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var docs []rawDoc
	for {
		start := dec.InputOffset()
		// Skip whitespace so the line is that of the value itself.
		for start < int64(len(data)) && strings.IndexByte(" \t\r\n", data[start]) >= 0 {
			start++
		}
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		var v any
		if err == nil {
			v, err = parseJSONToken(dec, tok, 0)
		}
		if err != nil {
			line := lineAt(data, dec.InputOffset())
			var se *json.SyntaxError
			if errors.As(err, &se) {
				line = lineAt(data, se.Offset)
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				err = errors.New("unexpected end of JSON input")
			}
			return nil, &Error{Source: source, Index: len(docs), Item: -1, Line: line, Err: fmt.Errorf("invalid JSON: %w", err)}
		}
		if v == nil {
			continue
		}
		docs = append(docs, rawDoc{v, lineAt(data, start)})
	}
}

// normalizeNewlines turns CRLF and lone CR line breaks into LF.
func normalizeNewlines(data []byte) []byte {
	if bytes.IndexByte(data, '\r') < 0 {
		return data
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
}

func decodeYAMLStream(data []byte, source string) ([]rawDoc, error) {
	data = normalizeNewlines(data)
	chunks, starts := splitYAML(data)
	var docs []rawDoc
	for i, chunk := range chunks {
		ydocs, err := parseYAML(chunk)
		if err != nil {
			e := &Error{Source: source, Index: len(docs), Item: -1, Err: err}
			var pe *posError
			if errors.As(err, &pe) {
				e.Err = pe.err
				if pe.line > 0 {
					e.Line, e.Column = starts[i]+pe.line-1, pe.col
				}
			}
			if e.Line == 0 {
				e.Line = starts[i]
			}
			return nil, e
		}
		for _, d := range ydocs {
			if d.null {
				continue
			}
			line := starts[i]
			if d.line > 0 {
				line += d.line - 1
			}
			docs = append(docs, rawDoc{d.val, line})
		}
	}
	return docs, nil
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	}
	return "an object"
}

// appendObjects checks one document, expands it if it is a List, and
// appends the resulting objects.
func appendObjects(docs []Document, r rawDoc, source string, index int) ([]Document, error) {
	fail := func(item int, err error) error {
		return &Error{Source: source, Index: index, Item: item, Line: r.line, Err: err}
	}
	obj, ok := r.val.(*object)
	if !ok {
		return nil, fail(-1, fmt.Errorf("document is %s, not an object", typeName(r.val)))
	}
	items, isList := obj.get("items")
	if !isList {
		if err := checkTypeMeta(obj, true); err != nil {
			return nil, fail(-1, err)
		}
		return append(docs, Document{JSON: appendJSON(nil, obj, "", ""), Source: source, Index: index, Line: r.line, Item: -1}), nil
	}
	// Like kubectl (unstructured decoding), any object with an "items"
	// field is a list: it needs a kind, and its items are the objects.
	if err := checkTypeMeta(obj, false); err != nil {
		return nil, fail(-1, err)
	}
	var list []any
	switch t := items.(type) {
	case nil:
	case []any:
		list = t
	default:
		return nil, fail(-1, fmt.Errorf("list items is %s, not a list", typeName(items)))
	}
	listKind, _ := obj.get("kind")
	listAPIVersion, hasAPIVersion := obj.get("apiVersion")
	itemKind := strings.TrimSuffix(listKind.(string), "List")
	for i, it := range list {
		item, ok := it.(*object)
		if !ok {
			return nil, fail(i, fmt.Errorf("list item is %s, not an object", typeName(it)))
		}
		_, hasKind := item.get("kind")
		_, hasAV := item.get("apiVersion")
		if !hasKind && !hasAV && itemKind != "" {
			// Items of typed lists (PodList, ...) may leave out their
			// kind and apiVersion; they come from the list, as in kubectl.
			c := newObject()
			if hasAPIVersion {
				c.set("apiVersion", listAPIVersion)
			}
			c.set("kind", itemKind)
			for _, m := range item.members {
				c.set(m.key, m.val)
			}
			item = c
		}
		if _, nested := item.get("items"); nested {
			return nil, fail(i, errors.New("nested lists are not supported"))
		}
		if err := checkTypeMeta(item, true); err != nil {
			return nil, fail(i, err)
		}
		docs = append(docs, Document{JSON: appendJSON(nil, item, "", ""), Source: source, Index: index, Line: r.line, Item: i})
	}
	return docs, nil
}

// checkTypeMeta checks that obj has a non-empty string kind and, if
// needAPIVersion, apiVersion.
func checkTypeMeta(obj *object, needAPIVersion bool) error {
	check := func(field string, missing error) error {
		v, ok := obj.get(field)
		if !ok || v == nil || v == "" {
			return missing
		}
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s is %s, not a string", field, typeName(v))
		}
		if len(s) > maxTypeMetaLen {
			return fmt.Errorf("%s is %d bytes long, more than the %d of a 253-byte group, '/' and a 63-byte version", field, len(s), maxTypeMetaLen)
		}
		return nil
	}
	if err := check("kind", ErrMissingKind); err != nil {
		return err
	}
	if needAPIVersion {
		return check("apiVersion", ErrMissingAPIVersion)
	}
	if v, ok := obj.get("apiVersion"); ok && v != nil {
		return check("apiVersion", nil)
	}
	return nil
}

// maxTypeMetaLen bounds kind and apiVersion: the longest apiVersion the
// API server can serve (a DNS subdomain group, '/', a DNS label version).
// Items of a typed List copy the List's apiVersion, so without a bound a
// small manifest of many empty items would multiply a long one.
const maxTypeMetaLen = 253 + 1 + 63

// manifestExts are the file extensions read from directories, as kubectl
// does.
var manifestExts = []string{".json", ".yaml", ".yml"}

// ReadFiles reads the objects in the given files and directories, in order.
// A file given by path is read whatever its name. A directory contributes
// its files ending in .json, .yaml or .yml, in name order; its
// subdirectories are read (depth first, in name order) only if recursive,
// and symbolic links to directories inside it are not followed. "-" is not
// special: reading standard input is left to the caller. A path that does
// not exist is an error naming it.
func ReadFiles(paths []string, recursive bool) ([]Document, error) {
	var docs []Document
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			docs, err = readFile(docs, p)
		} else {
			docs, err = readDir(docs, p, recursive)
		}
		if err != nil {
			return nil, err
		}
	}
	return docs, nil
}

func readFile(docs []Document, path string) ([]Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d, err := Decode(data, path)
	if err != nil {
		return nil, err
	}
	return append(docs, d...), nil
}

func readDir(docs []Document, dir string, recursive bool) ([]Document, error) {
	entries, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		switch {
		case e.IsDir():
			if recursive {
				if docs, err = readDir(docs, p, recursive); err != nil {
					return nil, err
				}
			}
		case hasManifestExt(p):
			if e.Type()&os.ModeSymlink != 0 {
				fi, err := os.Stat(p)
				if err != nil {
					return nil, err
				}
				if fi.IsDir() {
					continue
				}
			}
			if docs, err = readFile(docs, p); err != nil {
				return nil, err
			}
		}
	}
	return docs, nil
}

func hasManifestExt(p string) bool {
	ext := filepath.Ext(p)
	for _, e := range manifestExts {
		if ext == e {
			return true
		}
	}
	return false
}

// YAMLToJSON converts one YAML document to compact JSON with Kubernetes
// semantics (see the package documentation), keeping mapping keys in
// document order. Any value may be at the top. Empty input gives "null";
// more than one document is an error.
func YAMLToJSON(y []byte) ([]byte, error) {
	y = normalizeNewlines(bytes.TrimPrefix(y, bom))
	docs, err := parseYAML(y)
	if err != nil {
		var pe *posError
		if errors.As(err, &pe) && pe.line > 0 {
			return nil, &Error{Index: 0, Item: -1, Line: pe.line, Column: pe.col, Err: pe.err}
		}
		return nil, &Error{Index: 0, Item: -1, Err: err}
	}
	switch len(docs) {
	case 0:
		return []byte("null"), nil
	case 1:
		return appendJSON(nil, docs[0].val, "", ""), nil
	}
	return nil, &Error{Index: 1, Item: -1, Line: docs[1].line, Err: errors.New("YAMLToJSON takes one document, found more")}
}

// ToJSON re-encodes one JSON value (normally an object), keeping key
// order: compact if !indent, otherwise indented by four spaces and ending
// in a newline, like kubectl -o json. Numbers are kept exactly as written.
func ToJSON(jsonObj []byte, indent bool) ([]byte, error) {
	v, err := parseJSON(jsonObj)
	if err != nil {
		return nil, err
	}
	if !indent {
		return appendJSON(nil, v, "", ""), nil
	}
	return append(appendJSON(nil, v, "", "    "), '\n'), nil
}
