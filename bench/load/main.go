// Command load drives a running Meent (meent serve on a database made by bench/gen) with a
// mix of Zaken API requests over 16 connections and reports throughput, errors and
// latencies per kind of request.
//
//	go run ./bench/load -info bench-pg.json -write-applicaties applicaties.json
//	meent serve --database-url ... --public-url http://127.0.0.1:18080 --listen 127.0.0.1:18080 \
//	    --applicaties applicaties.json --secret-key bench-generator
//	go run ./bench/load -info bench-pg.json -url http://127.0.0.1:18080 -d 60s
//
// It mints its own JWT for -client-id/-secret; the applicatie must exist on the server
// (-write-applicaties writes the file for --applicaties: the client may read and create
// zaken of 20 generated zaaktypen up to zaakvertrouwelijk).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/meent/meent/bench/benchdata"
	"github.com/meent/meent/internal/zgw"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// op is one kind of request in the mix.
type op struct {
	name   string
	weight int
	mu     sync.Mutex
	took   []time.Duration
	errs   atomic.Int64
}

func run() error {
	var base, info, clientID, secret, applicaties string
	var conns int
	var dur time.Duration
	flag.StringVar(&base, "url", "http://127.0.0.1:18080", "public URL of the server")
	flag.StringVar(&info, "info", "bench-pg.json", "the JSON bench/gen wrote (-out)")
	flag.StringVar(&clientID, "client-id", "bench-load", "client id of the JWT")
	flag.StringVar(&secret, "secret", "bench-load-secret", "secret of the client")
	flag.StringVar(&applicaties, "write-applicaties", "", "write an applicaties file for the server and exit")
	flag.IntVar(&conns, "c", 16, "connections")
	flag.DurationVar(&dur, "d", 30*time.Second, "duration")
	flag.Parse()
	raw, err := os.ReadFile(info)
	if err != nil {
		return err
	}
	var res benchdata.Result
	if err := json.Unmarshal(raw, &res); err != nil {
		return err
	}
	types := res.Zaaktypen[:min(20, len(res.Zaaktypen))]
	if applicaties != "" {
		var as []map[string]any
		for _, t := range types {
			as = append(as, map[string]any{"component": "zrc", "zaaktype": t, "maxVertrouwelijkheidaanduiding": "zaakvertrouwelijk",
				"scopes": []string{"zaken.lezen", "zaken.aanmaken"}})
		}
		b, _ := json.MarshalIndent([]map[string]any{{"clientIds": []string{clientID}, "secret": secret, "label": "Load driver",
			"autorisaties": as}}, "", "  ")
		return os.WriteFile(applicaties, b, 0o600)
	}
	token, err := zgw.Token(clientID, secret, "load", "Load driver", time.Now())
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	zrc := strings.TrimSuffix(base, "/") + "/zaken/api/v1"
	// send does one request and returns the body of a 2xx answer.
	send := func(method, u, body string) ([]byte, error) {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, u, rd)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept-Crs", "EPSG:4326")
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Content-Crs", "EPSG:4326")
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode/100 != 2 {
			return nil, fmt.Errorf("%s %s: %d %.200s", method, u, resp.StatusCode, b)
		}
		return b, nil
	}
	// Zaak URLs for the detail requests, taken from the list answers.
	var seenMu sync.Mutex
	var seen []string
	listOp := func(u string) error {
		b, err := send(http.MethodGet, u, "")
		if err != nil {
			return err
		}
		// Reading the URLs of a page costs the driver CPU the server needs more: the pool
		// of zaak URLs for the detail requests is refreshed from one list in ten.
		seenMu.Lock()
		full := len(seen) >= 1000
		seenMu.Unlock()
		if full && rand.IntN(10) != 0 {
			return nil
		}
		var page struct {
			Results []struct {
				URL string `json:"url"`
			} `json:"results"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return err
		}
		seenMu.Lock()
		for _, r := range page.Results[:min(5, len(page.Results))] {
			if len(seen) < 5000 {
				seen = append(seen, r.URL)
			} else {
				seen[rand.IntN(len(seen))] = r.URL
			}
		}
		seenMu.Unlock()
		return nil
	}
	ops := []*op{{name: "list zaaktype", weight: 30}, {name: "list page 5", weight: 10}, {name: "list bsn", weight: 20},
		{name: "detail expand", weight: 30}, {name: "create", weight: 10}}
	do := func(o *op) error {
		zt := types[rand.IntN(len(types))]
		switch o.name {
		case "list zaaktype":
			return listOp(zrc + "/zaken?zaaktype=" + url.QueryEscape(zt))
		case "list page 5":
			return listOp(zrc + "/zaken?page=5&zaaktype=" + url.QueryEscape(zt))
		case "list bsn":
			return listOp(zrc + "/zaken?rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn=" + res.BSNs[rand.IntN(len(res.BSNs))])
		case "detail expand":
			seenMu.Lock()
			u := ""
			if len(seen) > 0 {
				u = seen[rand.IntN(len(seen))]
			}
			seenMu.Unlock()
			if u == "" {
				return listOp(zrc + "/zaken?zaaktype=" + url.QueryEscape(zt))
			}
			_, err := send(http.MethodGet, u+"?expand=status,resultaat,rollen", "")
			return err
		default:
			_, err := send(http.MethodPost, zrc+"/zaken", fmt.Sprintf(`{"bronorganisatie":"002220647","verantwoordelijkeOrganisatie":"002220647",`+
				`"startdatum":"2026-01-05","zaaktype":%q,"omschrijving":"Load"}`, zt))
			return err
		}
	}
	total := 0
	for _, o := range ops {
		total += o.weight
	}
	var firstErr atomic.Value
	start := time.Now()
	stop := start.Add(dur)
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			for time.Now().Before(stop) {
				n := rand.IntN(total)
				o := ops[0]
				for _, x := range ops {
					if n < x.weight {
						o = x
						break
					}
					n -= x.weight
				}
				t := time.Now()
				err := do(o)
				d := time.Since(t)
				o.mu.Lock()
				o.took = append(o.took, d)
				o.mu.Unlock()
				if err != nil {
					o.errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	all, errs := 0, int64(0)
	fmt.Printf("%-15s %8s %7s %8s %8s %8s\n", "request", "count", "errors", "p50 ms", "p95 ms", "p99 ms")
	for _, o := range ops {
		slices.Sort(o.took)
		q := func(p float64) float64 {
			if len(o.took) == 0 {
				return 0
			}
			return float64(o.took[int(float64(len(o.took)-1)*p)].Microseconds()) / 1000
		}
		fmt.Printf("%-15s %8d %7d %8.1f %8.1f %8.1f\n", o.name, len(o.took), o.errs.Load(), q(0.5), q(0.95), q(0.99))
		all += len(o.took)
		errs += o.errs.Load()
	}
	fmt.Printf("total %d requests in %s over %d connections: %.0f requests/s, %d errors\n", all, elapsed.Round(time.Millisecond), conns,
		float64(all)/elapsed.Seconds(), errs)
	if e := firstErr.Load(); e != nil {
		fmt.Println("first error:", e)
	}
	return nil
}
