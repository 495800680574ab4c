package emulator

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// startTLS serves e over https with a certificate from ca.
func startTLS(t *testing.T, ca *CertificateAuthority, e *Emulator) *httptest.Server {
	t.Helper()
	config, err := ca.ServerTLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewUnstartedServer(e)
	server.TLS = config
	server.StartTLS()
	t.Cleanup(server.Close)
	return server
}

// trustingClient returns a client that trusts only ca.
func trustingClient(t *testing.T, ca *CertificateAuthority) *http.Client {
	t.Helper()
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ca.CertificatePEM()) {
		t.Fatal("CertificatePEM holds no certificate")
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
}

func TestTLSRoundTrip(t *testing.T) {
	ca, err := NewCertificateAuthority()
	if err != nil {
		t.Fatal(err)
	}
	e := New()
	server := startTLS(t, ca, e)
	client := trustingClient(t, ca)
	serverURL, err := url.Parse(server.URL)
	if err != nil {
		t.Fatal(err)
	}

	for _, host := range []string{"127.0.0.1", "localhost"} {
		t.Run(host, func(t *testing.T) {
			root := "https://" + host + ":" + serverURL.Port()
			resp, err := client.Get(root + "/" + DefaultTenantID + "/v2.0/.well-known/openid-configuration")
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Issuer        string `json:"issuer"`
				TokenEndpoint string `json:"token_endpoint"`
			}
			err = json.NewDecoder(resp.Body).Decode(&doc)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			// MSAL accepts the issuer only with the authority's scheme and host.
			if want := root + "/" + DefaultTenantID + "/v2.0"; doc.Issuer != want {
				t.Errorf("issuer %s, want %s", doc.Issuer, want)
			}

			resp, err = client.PostForm(doc.TokenEndpoint, validTokenForm())
			if err != nil {
				t.Fatal(err)
			}
			var token struct {
				AccessToken string `json:"access_token"`
			}
			err = json.NewDecoder(resp.Body).Decode(&token)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}

			req, err := http.NewRequest(http.MethodGet, root+batchPath(SeedCustomerID, SeedBatchTrackingID), nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+token.AccessToken)
			resp, err = client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusOK || string(body) != seedPageBody {
				t.Errorf("status %d body %s, want the seed batch", resp.StatusCode, body)
			}
		})
	}
}

func TestTLSRefusedWithoutTheCA(t *testing.T) {
	ca, err := NewCertificateAuthority()
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewCertificateAuthority()
	if err != nil {
		t.Fatal(err)
	}
	server := startTLS(t, ca, New())
	_, err = trustingClient(t, other).Get(server.URL + "/")
	var unknownAuthority x509.UnknownAuthorityError
	if !errors.As(err, &unknownAuthority) {
		t.Errorf("error %v, want x509.UnknownAuthorityError", err)
	}
}

func TestCertificates(t *testing.T) {
	ca, err := NewCertificateAuthority()
	if err != nil {
		t.Fatal(err)
	}
	block, rest := pem.Decode(ca.CertificatePEM())
	if block == nil || block.Type != "CERTIFICATE" || len(rest) != 0 {
		t.Fatalf("CertificatePEM is not one PEM certificate: %q", ca.CertificatePEM())
	}
	root, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !root.IsCA || root.PublicKeyAlgorithm != x509.ECDSA || root.CheckSignatureFrom(root) != nil {
		t.Errorf("root: IsCA %v, key %v, self-signed %v", root.IsCA, root.PublicKeyAlgorithm, root.CheckSignatureFrom(root) == nil)
	}
	if validity := time.Until(root.NotAfter); validity < 364*24*time.Hour || validity > 366*24*time.Hour {
		t.Errorf("root valid for another %v, want a year", validity)
	}

	config, err := ca.ServerTLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	if len(config.Certificates) != 1 {
		t.Fatalf("%d certificates, want 1", len(config.Certificates))
	}
	leaf := config.Certificates[0].Leaf
	roots := x509.NewCertPool()
	roots.AddCert(root)
	for _, name := range []string{"127.0.0.1", "::1", "localhost"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: roots}); err != nil {
			t.Errorf("leaf for %s: %v", name, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "api.partnercenter.microsoft.com", Roots: roots}); err == nil {
		t.Error("leaf is valid for api.partnercenter.microsoft.com")
	}
}
