package oas

import (
	"encoding/json"
	"strings"
	"testing"
)

// BenchmarkValidateZaaktype validates a complete zaaktype_create body
// (about 40 fields, nested objects and lists), including JSON decoding.
func BenchmarkValidateZaaktype(b *testing.B) {
	d := loadDoc(b, catalogi)
	body := []byte(zaaktype(nil))
	if vs, err := d.ValidateRequest("zaaktype_create", body, false); err != nil || len(vs) != 0 {
		b.Fatalf("body not valid: %v %v", vs, err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.ValidateRequest("zaaktype_create", body, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateZaaktypeDecoded validates a body that the caller has
// already decoded into map[string]any.
func BenchmarkValidateZaaktypeDecoded(b *testing.B) {
	d := loadDoc(b, catalogi)
	dec := json.NewDecoder(strings.NewReader(zaaktype(nil)))
	dec.UseNumber()
	var val any
	if err := dec.Decode(&val); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.ValidateRequestValue("zaaktype_create", val, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateZaaktypeInvalid measures the cost of reporting problems.
func BenchmarkValidateZaaktypeInvalid(b *testing.B) {
	d := loadDoc(b, catalogi)
	body := []byte(zaaktype(map[string]any{"doorlooptijd": "x", "vertrouwelijkheidaanduiding": "y", "referentieproces": map[string]any{}}))
	b.ReportAllocs()
	for b.Loop() {
		if vs, _ := d.ValidateRequest("zaaktype_create", body, false); len(vs) != 3 {
			b.Fatal(vs)
		}
	}
}

// BenchmarkCompileCatalogi compiles the 500 KB Catalogi spec (JSON input).
func BenchmarkCompileCatalogi(b *testing.B) {
	js := specJSON(b, catalogi)
	b.SetBytes(int64(len(js)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(js); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompileZaken(b *testing.B) {
	js := specJSON(b, zaken)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(js); err != nil {
			b.Fatal(err)
		}
	}
}

// TestConcurrent validates from several goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	d := loadDoc(t, catalogi)
	good := []byte(zaaktype(nil))
	bad := []byte(zaaktype(map[string]any{"doorlooptijd": "x"}))
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 200; i++ {
				body, want := good, 0
				if i%2 == 1 {
					body, want = bad, 1
				}
				vs, err := d.ValidateRequest("zaaktype_create", body, false)
				if err != nil || len(vs) != want {
					t.Errorf("got %v %v", vs, err)
					return
				}
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
