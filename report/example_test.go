package report_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/engramsim/engram/report"
)

func ExampleReport() {
	dir, err := os.MkdirTemp("", "report-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	r := report.New("Recall <demo>")
	r.Section("Parameters")
	r.KeyValues("network", []report.KV{{Key: "N", Value: "1000"}, {Key: "tau_m", Value: "20", Unit: "ms"}})
	r.Pre("config", "seed = 1\n")
	path := filepath.Join(dir, "report.html")
	if err := r.WriteFile(path); err != nil {
		fmt.Println(err)
		return
	}
	page, _ := os.ReadFile(path)
	fmt.Println(strings.Contains(string(page), "<title>Recall &lt;demo&gt;</title>"))
	fmt.Println(strings.Contains(string(page), `<td class="unit">ms</td>`))
	// Output:
	// true
	// true
}
