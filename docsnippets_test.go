package kr8s_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestDocSnippets proves that every ```go block in README.md and
// docs/*.md compiles against the code of this checkout. Each block is a
// subtest named after its fence, such as README.md:68, and its compiler
// errors are reported at their markdown lines.
//
// The blocks are written into a temporary module (one package per block)
// that requires this module through a replace directive, and all of them
// are built with one `go build ./...` (GOPROXY=off, GOWORK=off,
// -mod=mod: the module cache only). Each generated file carries a //line
// directive, so the compiler itself reports positions in the markdown.
//
// A block that starts with `package` is a complete file and is built as it
// is. Any other block is a fragment:
//
//   - Its own import declarations are kept; other imports are added from
//     the identifiers it uses as packages (kr8s., fmt., time., json.,
//     corev1., ...; see snippetImports).
//   - `{ ... }`, the README's "your code here", is read as an empty block.
//   - A fragment that parses as file-level declarations (func, type, var,
//     const) is built at file level. Otherwise it is a list of statements,
//     built in a block of its own inside a function whose parameters are
//     the names the README's prose assumes (see snippetVocabulary): ctx,
//     err, api, pod, dep, svc, node, obj, patch, sizes and report. A block
//     may still declare any of them; its declaration shadows the
//     parameter.
//   - Snippets show results they do not use (version, err := ...), which
//     Go rejects as "declared and not used"; so each variable a fragment
//     declares is used by a `_ = name` added after its declaration, on the
//     same line so that line numbers hold.
//
// A block whose info string is "go nocompile" (```go nocompile) is one
// that deliberately does not compile, such as one showing a mistake; it
// is skipped with a message. Use it only for such blocks.
//
// Blocks that import k8s.io packages (corev1.Pod, ...) also need the
// k8s.io modules, at the versions of testmodules/k8sapi/go.mod. When the
// module cache lacks them, those blocks alone are skipped, saying so.
func TestDocSnippets(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH:", err)
	}
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	var blocks []*snippet
	for _, name := range append([]string{filepath.Join(root, "README.md")}, docs...) {
		rel, _ := filepath.Rel(root, name)
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, goBlocks(filepath.ToSlash(rel), string(data))...)
	}
	if len(blocks) == 0 || blocks[0].file != "README.md" {
		t.Fatal("found no ```go block in README.md")
	}

	// Generate one package per block, and the module: this checkout by
	// replace, go.sum from the repository (and from testmodules/k8sapi
	// when a block imports k8s.io packages).
	dir := t.TempDir()
	building := map[string]*snippet{} // by package import path
	k8s := false
	for i, s := range blocks {
		if s.nocompile {
			continue
		}
		s.pkg = fmt.Sprintf("docsnippets/s%03d", i)
		s.source = s.generate(path.Base(s.pkg))
		k8s = k8s || s.k8s
		pdir := filepath.Join(dir, path.Base(s.pkg))
		if err := os.Mkdir(pdir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pdir, "snippet.go"), []byte(s.source), 0o644); err != nil {
			t.Fatal(err)
		}
		building[s.pkg] = s
	}
	writeModule(t, dir, root, k8s)

	// Build them all at once. When the k8s.io modules cannot be loaded
	// from the module cache, the blocks that need them are left out and
	// skipped, and the others are built again.
	failures, stray := buildSnippets(t, goTool, dir, building)
	k8sMissing := ""
	if k8s && stray != "" {
		k8sMissing = stray
		for pkg, s := range building {
			if s.k8s {
				delete(building, pkg)
				if err := os.RemoveAll(filepath.Join(dir, path.Base(pkg))); err != nil {
					t.Fatal(err)
				}
			}
		}
		writeModule(t, dir, root, false)
		failures, stray = buildSnippets(t, goTool, dir, building)
	}
	if stray != "" {
		t.Fatalf("go build in %s:\n%s", dir, stray)
	}

	for _, s := range blocks {
		t.Run(fmt.Sprintf("%s:%d", s.file, s.fence), func(t *testing.T) {
			switch {
			case s.nocompile:
				t.Skipf("%s:%d is marked ```go nocompile", s.file, s.fence)
			case building[s.pkg] == nil:
				t.Skipf("%s:%d imports k8s.io packages, which do not load from the module cache (GOPROXY=off); `cd testmodules/k8sapi && go mod download` fetches them:\n%s",
					s.file, s.fence, k8sMissing)
			case failures[s.pkg] != "":
				t.Errorf("%s:%d: the ```go block does not compile:\n%s\ngenerated source:\n%s",
					s.file, s.fence, failures[s.pkg], numbered(s.source))
			}
		})
	}
}

// snippetImports maps the package names that fragments use to their
// import paths. Names from k8s.io need the k8s.io modules.
var snippetImports = map[string]string{
	"kr8s":       "github.com/kr8s-go/kr8s",
	"kubeconfig": "github.com/kr8s-go/kr8s/kubeconfig",
	"jsonpath":   "github.com/kr8s-go/kr8s/jsonpath",
	"bufio":      "bufio",
	"bytes":      "bytes",
	"context":    "context",
	"errors":     "errors",
	"fmt":        "fmt",
	"io":         "io",
	"iter":       "iter",
	"json":       "encoding/json",
	"http":       "net/http",
	"log":        "log",
	"maps":       "maps",
	"os":         "os",
	"signal":     "os/signal",
	"filepath":   "path/filepath",
	"slices":     "slices",
	"slog":       "log/slog",
	"strconv":    "strconv",
	"strings":    "strings",
	"sync":       "sync",
	"time":       "time",
	"url":        "net/url",
	"corev1":     "k8s.io/api/core/v1",
	"appsv1":     "k8s.io/api/apps/v1",
	"metav1":     "k8s.io/apimachinery/pkg/apis/meta/v1",
}

// snippetVocabulary are the names a statement fragment may use without
// declaring them: the README's prose speaks of "the pod", "a Deployment",
// "the client" and so on.
const snippetVocabulary = `ctx context.Context, err error, api *kr8s.Client, ` +
	`pod *kr8s.Pod, dep *kr8s.Deployment, svc *kr8s.Service, node *kr8s.Node, obj *kr8s.Object, ` +
	`patch any, sizes <-chan kr8s.TerminalSize, report func(kr8s.DrainEvent)`

// A snippet is one ```go block of a markdown file.
type snippet struct {
	file      string // path relative to the repository, with slashes
	fence     int    // line of the opening fence
	text      string // the lines between the fences
	nocompile bool   // the info string says "go nocompile"

	pkg    string // import path of its package in the temporary module
	source string // the generated file
	k8s    bool   // it imports k8s.io packages
}

var fenceRE = regexp.MustCompile("^( {0,3})(```+|~~~+)[ \t]*([^`]*)$")

// goBlocks returns the ```go blocks of a CommonMark document.
func goBlocks(file, doc string) []*snippet {
	var out []*snippet
	lines := strings.Split(doc, "\n")
	for i := 0; i < len(lines); i++ {
		m := fenceRE.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		indent, fence, info := len(m[1]), m[2], strings.Fields(m[3])
		var body []string
		j := i + 1
		for ; j < len(lines); j++ {
			l := strings.TrimRight(lines[j], " \t")
			if t := strings.TrimLeft(l, " "); len(l)-len(t) <= 3 && strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
				break
			}
			// Drop up to the fence's indentation.
			body = append(body, strings.TrimPrefix(lines[j], strings.Repeat(" ", indent)))
		}
		if len(info) > 0 && info[0] == "go" {
			out = append(out, &snippet{
				file:      file,
				fence:     i + 1,
				text:      strings.Join(body, "\n"),
				nocompile: slices.Contains(info[1:], "nocompile"),
			})
		}
		i = j
	}
	return out
}

// elisionRE matches `{ ... }`, which the README writes for "your code".
var elisionRE = regexp.MustCompile(`\{\s*\.\.\.\s*\}`)

// generate returns the Go file that builds the snippet as package pkg.
func (s *snippet) generate(pkg string) string {
	line := fmt.Sprintf("//line %s:%d:1\n", s.file, s.fence+1)
	if strings.HasPrefix(strings.TrimSpace(s.text), "package ") {
		s.k8s = strings.Contains(s.text, `"k8s.io/`)
		return line + s.text + "\n"
	}
	text := elisionRE.ReplaceAllStringFunc(s.text, func(m string) string {
		return strings.ReplaceAll(m, ".", " ")
	})

	// The fragment's own imports, blanked out of it (keeping its lines).
	imports := map[string]string{} // path to name ("" for the default)
	const pkgClause = "package p;"
	if f, err := parser.ParseFile(token.NewFileSet(), "", pkgClause+text, parser.ImportsOnly); err == nil && len(f.Imports) > 0 {
		for _, im := range f.Imports {
			name := ""
			if im.Name != nil {
				name = im.Name.Name
			}
			imports[strings.Trim(im.Path.Value, "\"`")] = name
		}
		end := int(f.Decls[len(f.Decls)-1].End()) - 1 - len(pkgClause) // token.Pos is offset+1
		text = strings.Map(func(r rune) rune {
			if r == '\n' {
				return r
			}
			return ' '
		}, text[:end]) + text[end:]
	}

	// Declarations at file level, or else statements in a function.
	var b strings.Builder
	var uses []string
	fset := token.NewFileSet()
	if f, err := parser.ParseFile(fset, "", pkgClause+text, 0); err == nil {
		uses = packageUses(f)
		b.WriteString(line)
		b.WriteString(text)
		b.WriteString("\n")
	} else {
		const head = "package p; func _(" + snippetVocabulary + ") {\n{\n"
		if f, err := parser.ParseFile(fset, "", head+text+"\n}\n}\n", 0); err == nil {
			uses = append(packageUses(f), "context", "kr8s")
			text = useDeclared(f, fset, text, len(head))
		} // else the compiler reports the syntax error.
		fmt.Fprintf(&b, "func _(%s) {\n{\n%s", snippetVocabulary, line)
		b.WriteString(text)
		b.WriteString("\n}\n}\n")
	}
	for _, name := range uses {
		if ip, ok := snippetImports[name]; ok {
			if _, dup := imports[ip]; !dup {
				imports[ip] = ""
				if ip != name && !strings.HasSuffix(ip, "/"+name) {
					imports[ip] = name
				}
			}
		}
	}
	var head strings.Builder
	fmt.Fprintf(&head, "package %s\n\n", pkg)
	paths := make([]string, 0, len(imports))
	for ip := range imports {
		paths = append(paths, ip)
	}
	sort.Strings(paths)
	for _, ip := range paths {
		if name := imports[ip]; name != "" {
			fmt.Fprintf(&head, "import %s %q\n", name, ip)
		} else {
			fmt.Fprintf(&head, "import %q\n", ip)
		}
		if strings.HasPrefix(ip, "k8s.io/") || strings.HasPrefix(ip, "sigs.k8s.io/") {
			s.k8s = true
		}
	}
	return head.String() + "\n" + b.String()
}

// packageUses returns the names that f uses as packages (X in X.Sel) and
// never declares.
func packageUses(f *ast.File) []string {
	declared := map[string]bool{}
	var uses []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						declared[id.Name] = true
					}
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok {
						declared[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				declared[id.Name] = true
			}
		case *ast.TypeSpec:
			declared[n.Name.Name] = true
		case *ast.FuncDecl:
			declared[n.Name.Name] = true
		case *ast.FuncType:
			for _, fl := range []*ast.FieldList{n.TypeParams, n.Params, n.Results} {
				if fl != nil {
					for _, fd := range fl.List {
						for _, id := range fd.Names {
							declared[id.Name] = true
						}
					}
				}
			}
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok {
				uses = append(uses, id.Name)
			}
		}
		return true
	})
	return slices.DeleteFunc(uses, func(name string) bool { return declared[name] })
}

// useDeclared returns text with `_ = name` after the declaration of each
// variable that the statements in f declare, so that none is "declared and
// not used". The text of f starts offset bytes before text. Each addition
// goes on the line of its declaration: after the statement, or at the start
// of the block a name is scoped to (if/for/switch initialisers, range
// variables, type switch and select cases).
func useDeclared(f *ast.File, fset *token.FileSet, text string, offset int) string {
	type insert struct {
		at   int
		text string
	}
	var inserts []insert
	use := func(at token.Pos, names []string, after bool) {
		if len(names) == 0 {
			return
		}
		s := "_ = " + strings.Join(names, "; _ = ")
		if after {
			s = "; " + s
		} else {
			s += ";"
		}
		inserts = append(inserts, insert{fset.Position(at).Offset - offset, s})
	}
	defined := func(s ast.Stmt) []string {
		var names []string
		switch s := s.(type) {
		case *ast.AssignStmt:
			if s.Tok == token.DEFINE {
				for _, l := range s.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						names = append(names, id.Name)
					}
				}
			}
		case *ast.DeclStmt:
			if g, ok := s.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, spec := range g.Specs {
					for _, id := range spec.(*ast.ValueSpec).Names {
						if id.Name != "_" {
							names = append(names, id.Name)
						}
					}
				}
			}
		}
		return names
	}
	special := map[ast.Stmt]bool{} // statements whose names go elsewhere
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IfStmt:
			special[n.Init] = true
			use(n.Body.Lbrace+1, defined(n.Init), false)
		case *ast.ForStmt:
			special[n.Init] = true
			use(n.Body.Lbrace+1, defined(n.Init), false)
		case *ast.SwitchStmt:
			special[n.Init] = true
			use(n.Body.Lbrace+1, defined(n.Init), false)
		case *ast.TypeSwitchStmt:
			special[n.Init], special[n.Assign] = true, true
			use(n.Body.Lbrace+1, defined(n.Init), false)
			for _, c := range n.Body.List {
				use(c.(*ast.CaseClause).Colon+1, defined(n.Assign), false)
			}
		case *ast.CommClause:
			special[n.Comm] = true
			use(n.Colon+1, defined(n.Comm), false)
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				var names []string
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
						names = append(names, id.Name)
					}
				}
				use(n.Body.Lbrace+1, names, false)
			}
		case *ast.AssignStmt, *ast.DeclStmt:
			if s := n.(ast.Stmt); !special[s] {
				use(s.End(), defined(s), true)
			}
		}
		return true
	})
	// Apply from the end so that earlier offsets hold; additions at one
	// offset keep their order.
	sort.SliceStable(inserts, func(i, j int) bool { return inserts[i].at > inserts[j].at })
	for i := 0; i < len(inserts); {
		j := i
		var s string
		for ; j < len(inserts) && inserts[j].at == inserts[i].at; j++ {
			s = inserts[j].text + s
		}
		at := inserts[i].at
		text = text[:at] + s + text[at:]
		i = j
	}
	return text
}

// writeModule writes the go.mod and go.sum of the temporary module in
// dir: it requires this module (root) by a replace directive and, with
// k8s, the modules that testmodules/k8sapi/go.mod requires.
func writeModule(t *testing.T, dir, root string, k8s bool) {
	like := root // the module whose go line and requirements to copy
	sums := []string{filepath.Join(root, "go.sum")}
	if k8s {
		like = filepath.Join(root, "testmodules", "k8sapi")
		sums = append(sums, filepath.Join(like, "go.sum"))
	}
	gomod, err := os.ReadFile(filepath.Join(like, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	// The go line matters: with testmodules/k8sapi's "go 1.26.0" the
	// module graph loads from the module cache, with "go 1.26" it needs
	// go.mod files that are not there.
	goLine := regexp.MustCompile(`(?m)^go \S+$`).Find(gomod)
	mod := fmt.Sprintf("module docsnippets\n\n%s\n\nrequire github.com/kr8s-go/kr8s v0.0.0\n\nreplace github.com/kr8s-go/kr8s => %s\n", goLine, root)
	if k8s {
		// Its require blocks, less the line for this module.
		for _, block := range regexp.MustCompile(`(?ms)^require \(\n.*?^\)\n`).FindAll(gomod, -1) {
			mod += "\n" + regexp.MustCompile(`(?m)^\s*github.com/kr8s-go/kr8s .*\n`).ReplaceAllString(string(block), "")
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), mergeLines(t, sums), 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildSnippets runs go build on every package of the module in dir, from
// the module cache only. It returns the compiler's messages by package
// (go build writes them in sections headed by "# package") and any other
// output of a failed build, such as a module that cannot be loaded.
func buildSnippets(t *testing.T, goTool, dir string, building map[string]*snippet) (failures map[string]string, stray string) {
	failures = map[string]string{}
	if len(building) == 0 {
		return failures, ""
	}
	cmd := exec.CommandContext(t.Context(), goTool, "build", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOPROXY=off", "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	if err == nil {
		return failures, ""
	}
	var pkg string
	var other strings.Builder
	for line := range strings.Lines(string(out)) {
		if p, ok := strings.CutPrefix(line, "# "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		if building[pkg] != nil {
			failures[pkg] += line
		} else {
			other.WriteString(line)
		}
	}
	if len(failures) == 0 && other.Len() == 0 {
		fmt.Fprintf(&other, "%v\n%s", err, out)
	}
	return failures, other.String()
}

// mergeLines returns the distinct lines of the files, sorted.
func mergeLines(t *testing.T, files []string) []byte {
	seen := map[string]bool{}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(data)) {
			if line = strings.TrimSpace(line); line != "" {
				seen[line] = true
			}
		}
	}
	lines := make([]string, 0, len(seen))
	for line := range seen {
		lines = append(lines, line)
	}
	sort.Strings(lines)
	return []byte(strings.Join(lines, "\n") + "\n")
}

// numbered returns src with line numbers, for failure messages.
func numbered(src string) string {
	var b strings.Builder
	n := 0
	for line := range strings.Lines(src) {
		n++
		fmt.Fprintf(&b, "%4d  %s", n, line)
	}
	return b.String()
}
