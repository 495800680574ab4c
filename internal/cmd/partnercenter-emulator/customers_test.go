package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

func TestCustomerFlags(t *testing.T) {
	t.Parallel()
	o, err := parseOptions([]string{"-customers", "customers.json", "-strict-customers"}, environment(nil), io.Discard)
	if err != nil || o.customers != "customers.json" || !o.strictCustomers {
		t.Errorf("options %+v, error %v", o, err)
	}
	var out bytes.Buffer
	if _, err := parseOptions([]string{"-help"}, environment(nil), &out); err == nil {
		t.Error("-help: no error")
	}
	for _, want := range []string{"  -customers file\n", "  -strict-customers\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-help lacks %q:\n%s", want, out.String())
		}
	}
}

// startRun runs the command with o on a free loopback port until the test
// ends, and returns its env file once written and where it writes its
// banner.
func startRun(t *testing.T, o options) (env []byte, stdout *lockedBuffer) {
	t.Helper()
	o.addr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	stdout = &lockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, o, stdout, log.New(io.Discard, "", 0)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	return waitForEnvFile(t, o.envFile), stdout
}

// runEmulator runs the command with o, its address, state directory and
// env file set, until the test ends. It returns the base URL, a client
// that trusts the emulator and a bearer token of the registered
// application, and where the command writes its banner.
func runEmulator(t *testing.T, o options) (baseURL string, client *http.Client, token string, stdout *lockedBuffer) {
	t.Helper()
	dir := t.TempDir()
	o.stateDir, o.envFile = dir, filepath.Join(dir, "emulator.env")
	env, stdout := startRun(t, o)
	baseURL = string(regexp.MustCompile(`PARTNERCENTER_BASE_URL=(\S+)`).FindSubmatch(env)[1])
	pem, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	resp, err := client.PostForm(baseURL+"/"+emulator.DefaultTenantID+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {emulator.DefaultClientID}, "client_secret": {emulator.DefaultClientSecret},
		"scope": {"https://api.partnercenter.microsoft.com/.default"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		t.Fatal(err)
	}
	return baseURL, client, answer.AccessToken, stdout
}

// getCustomers asks the emulator at baseURL for path with token, and returns the
// status and the company names and domains of the customers a customer
// list's body holds.
func getCustomers(t *testing.T, client *http.Client, baseURL, token, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, baseURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Items []struct {
			CompanyProfile struct {
				CompanyName, Domain string
			}
		}
	}
	_ = json.NewDecoder(resp.Body).Decode(&list)
	var names []string
	for _, c := range list.Items {
		names = append(names, c.CompanyProfile.CompanyName+" "+c.CompanyProfile.Domain)
	}
	return resp.StatusCode, strings.Join(names, ", ")
}

func TestRunServesTheDemoCustomers(t *testing.T) {
	t.Parallel()
	baseURL, client, token, stdout := runEmulator(t, options{})
	status, got := getCustomers(t, client, baseURL, token, "/v1/customers?size=100")
	if want := "Contoso contoso.onmicrosoft.com, Fabrikam fabrikam.onmicrosoft.com, Northwind northwind.onmicrosoft.com"; status != http.StatusOK || got != want {
		t.Errorf("customers: status %d %s, want %s", status, got, want)
	}
	// Not strict: any customer is served.
	if status, _ := getCustomers(t, client, baseURL, token, "/v1/customers/d0000000-0000-4000-8000-000000000000/deviceBatches"); status != http.StatusOK {
		t.Errorf("an unknown customer's batches: status %d", status)
	}
	want := "\nCustomers: Contoso contoso.onmicrosoft.com " + emulator.SeedCustomerID + ", Fabrikam fabrikam.onmicrosoft.com " + emulator.FabrikamCustomerID +
		", Northwind northwind.onmicrosoft.com " + emulator.NorthwindCustomerID + "; any other customer ID is served too\n"
	if !strings.Contains(stdout.String(), want) {
		t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
	}
}

func TestRunServesTheCustomersOfAFileStrictly(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "customers.json")
	if err := os.WriteFile(file, []byte(`[{"id":"e0000000-0000-4000-8000-000000000001","companyName":"Litware","domain":"litware.onmicrosoft.com","relationshipToPartner":"advisor"},
		{"id":"e0000000-0000-4000-8000-000000000002","companyName":"Tailspin Toys","domain":"tailspin.onmicrosoft.com"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	baseURL, client, token, stdout := runEmulator(t, options{customers: file, strictCustomers: true})
	status, got := getCustomers(t, client, baseURL, token, "/v1/customers?size=0&filter="+url.QueryEscape(`{"Field":"Domain","Value":"","Operator":"starts_with"}`))
	if want := "Contoso contoso.onmicrosoft.com, Litware litware.onmicrosoft.com, Tailspin Toys tailspin.onmicrosoft.com"; status != http.StatusOK || got != want {
		t.Errorf("customers: status %d %s, want %s", status, got, want)
	}
	for path, want := range map[string]int{
		"/v1/customers/e0000000-0000-4000-8000-000000000002/deviceBatches": http.StatusOK,
		"/v1/customers/" + emulator.SeedCustomerID + "/policies":           http.StatusOK,
		"/v1/customers/" + emulator.FabrikamCustomerID + "/deviceBatches":  http.StatusNotFound,
		"/v1/customers/" + emulator.FabrikamCustomerID:                     http.StatusNotFound,
	} {
		if status, _ := getCustomers(t, client, baseURL, token, path); status != want {
			t.Errorf("%s: status %d, want %d", path, status, want)
		}
	}
	want := "\nCustomers: Contoso contoso.onmicrosoft.com " + emulator.SeedCustomerID + ", Litware litware.onmicrosoft.com e0000000-0000-4000-8000-000000000001, " +
		"Tailspin Toys tailspin.onmicrosoft.com e0000000-0000-4000-8000-000000000002; others get 404 (-strict-customers)\n"
	if !strings.Contains(stdout.String(), want) {
		t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
	}
}

func TestRunFailsOnInvalidCustomers(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "customers.json")
	if err := os.WriteFile(file, []byte(`[{"id":"e1","relationshipToPartner":"friend"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), options{addr: "127.0.0.1:0", customers: file}, io.Discard, log.New(io.Discard, "", 0))
	if err == nil || err.Error() != file+`: emulator: customer e1: relationship "friend" is not one of none, reseller, advisor, syndication, microsoft_support` {
		t.Errorf("error %v", err)
	}
	if err := run(context.Background(), options{addr: "127.0.0.1:0", customers: file + ".missing"}, io.Discard, log.New(io.Discard, "", 0)); err == nil {
		t.Error("a missing customers file: no error")
	}
}

func TestBannerLinesOfManyCustomers(t *testing.T) {
	t.Parallel()
	customers := make([]emulator.Customer, 12)
	for i := range customers {
		customers[i] = emulator.Customer{ID: fmt.Sprint(i), CompanyName: fmt.Sprint("C", i), Domain: fmt.Sprint("c", i, ".onmicrosoft.com")}
	}
	var out bytes.Buffer
	printCustomers(&out, customers, false)
	want := "\nCustomers: C0 c0.onmicrosoft.com 0, C1 c1.onmicrosoft.com 1, C2 c2.onmicrosoft.com 2, C3 c3.onmicrosoft.com 3, C4 c4.onmicrosoft.com 4, " +
		"C5 c5.onmicrosoft.com 5, C6 c6.onmicrosoft.com 6, C7 c7.onmicrosoft.com 7, C8 c8.onmicrosoft.com 8, C9 c9.onmicrosoft.com 9, and 2 more; " +
		"any other customer ID is served too\n"
	if out.String() != want {
		t.Errorf("line %q\nwant %q", out.String(), want)
	}
}
