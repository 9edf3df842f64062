package jsonpath_test

import (
	"encoding/json"
	"fmt"
	"log"
	"os"

	"github.com/kr8s-go/kr8s/jsonpath"
)

// Print one line per pod, as kubectl get -o jsonpath does.
func Example() {
	var list any
	err := json.Unmarshal([]byte(`{"items":[
		{"metadata":{"name":"web-1"},"status":{"phase":"Running"}},
		{"metadata":{"name":"web-2"},"status":{"phase":"Pending"}}]}`), &list)
	if err != nil {
		log.Fatal(err)
	}
	t, err := jsonpath.Parse(`{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}`)
	if err != nil {
		log.Fatal(err)
	}
	if err := t.Execute(os.Stdout, list); err != nil {
		log.Fatal(err)
	}
	// Output:
	// web-1	Running
	// web-2	Pending
}

// A filter picks the items whose field has a value.
func ExampleTemplate_FindResults() {
	var pod any
	err := json.Unmarshal([]byte(`{"status":{"conditions":[
		{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"}]}}`), &pod)
	if err != nil {
		log.Fatal(err)
	}
	t, err := jsonpath.Parse(`{.status.conditions[?(@.type=="Ready")].status}`)
	if err != nil {
		log.Fatal(err)
	}
	results, err := t.FindResults(pod)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(results)
	// Output: [[True]]
}
