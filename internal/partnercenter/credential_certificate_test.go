package partnercenter_test

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// The certificates in testdata/certificates are throwaway test material: a
// CA and an application certificate it signed, made with OpenSSL 3.0 in
// that directory (the CA's key and app.key were not kept):
//
//	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 36500 -subj "/CN=partnercenter-test-ca"
//	openssl req -newkey rsa:2048 -nodes -keyout app.key -out app.csr -subj "/CN=partnercenter-test-app"
//	openssl x509 -req -in app.csr -CA ca.crt -CAkey ca.key -set_serial 2 -days 36500 -out app.crt
//
// and the application's certificate and key packed as users' tools write
// them, all with the password testPFXPassword:
//
//	# OpenSSL 3's defaults, as Windows' Export-PfxCertificate -CryptoAlgorithmOption AES256_SHA256
//	# writes too: PBES2 with AES-256-CBC and PBKDF2, an HMAC-SHA256 MAC
//	openssl pkcs12 -export -inkey app.key -in app.crt -passout pass:test-pfx-password -out modern.pfx
//	# the legacy algorithms of OpenSSL 1.1 and older Windows: 3DES and a SHA-1 MAC
//	openssl pkcs12 -export -inkey app.key -in app.crt -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1 -passout pass:test-pfx-password -out legacy.pfx
//	# the certificate with its CA
//	openssl pkcs12 -export -inkey app.key -in app.crt -certfile ca.crt -passout pass:test-pfx-password -out chain.pfx
//	# PEM, the CA's certificate first
//	cat ca.crt app.crt app.key > ca-first.pem
//
// OpenSSL always writes the certificate that matches the key first; an
// archive holding the CA first is built by caFirstPKCS12.
const testPFXPassword = "test-pfx-password"

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "certificates", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parsePEMCertificate(t *testing.T, name string) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode(readTestdata(t, name))
	if block == nil {
		t.Fatalf("%s holds no PEM", name)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// caFirstPKCS12 packs the application's certificate and key with the CA's
// certificate first, as OpenSSL never writes it but other tools may.
func caFirstPKCS12(t *testing.T) []byte {
	t.Helper()
	var key any
	for rest := readTestdata(t, "ca-first.pem"); ; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			break
		}
		if block.Type == "PRIVATE KEY" {
			var err error
			if key, err = x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
				t.Fatal(err)
			}
		}
	}
	pfx, err := pkcs12.Modern.WithRand(rand.Reader).Encode(key, parsePEMCertificate(t, "ca.crt"),
		[]*x509.Certificate{parsePEMCertificate(t, "app.crt")}, testPFXPassword)
	if err != nil {
		t.Fatal(err)
	}
	return pfx
}

// TestCertificateArchives signs in with the application's certificate as
// each tool writes it, with a client certificate and with a refresh token
// exchanged with the certificate, whose assertion names the certificate
// that matches the key whatever the order in the file.
func TestCertificateArchives(t *testing.T) {
	em := newSignInEmulator(t)
	em.RegisterCertificate(emulator.DefaultTenantID, emulator.DefaultClientID, parsePEMCertificate(t, "app.crt"))
	archives := map[string]struct {
		data     []byte
		password string
	}{
		"OpenSSL 3 defaults (AES-256-CBC, HMAC-SHA256)": {readTestdata(t, "modern.pfx"), testPFXPassword},
		"legacy (3DES, SHA-1)":                          {readTestdata(t, "legacy.pfx"), testPFXPassword},
		"with its CA":                                   {readTestdata(t, "chain.pfx"), testPFXPassword},
		"with its CA first":                             {caFirstPKCS12(t), testPFXPassword},
		"PEM with its CA first":                         {readTestdata(t, "ca-first.pem"), ""},
		"PEM with a password set":                       {readTestdata(t, "ca-first.pem"), testPFXPassword},
	}
	for name, archive := range archives {
		t.Run(name, func(t *testing.T) {
			o := em.options()
			o.ClientCertificate, o.ClientCertificatePassword = archive.data, archive.password
			if _, err := getToken(t, o); err != nil {
				t.Errorf("client certificate: %v", err)
			}
			path := filepath.Join(t.TempDir(), "certificate")
			writeFile(t, path, string(archive.data))
			o = em.options()
			o.ClientCertificatePath, o.ClientCertificatePassword = path, archive.password
			o.RefreshToken = em.NewRefreshToken(emulator.DefaultTenantID, emulator.DefaultClientID)
			if _, err := getToken(t, o); err != nil {
				t.Errorf("refresh token with the certificate: %v", err)
			}
		})
	}
}

// TestCertificateArchiveErrors: a certificate that cannot be used fails
// when the credential is made, saying why and never quoting the password.
func TestCertificateArchiveErrors(t *testing.T) {
	const wrongPassword = "not-the-pfx-password"
	appOnly := readTestdata(t, "app.crt")
	tests := []struct {
		name     string
		data     []byte
		password string
		want     string
	}{
		{"wrong password, OpenSSL 3 defaults", readTestdata(t, "modern.pfx"), wrongPassword,
			"the client certificate is a PKCS#12 archive that the password does not open"},
		{"wrong password, legacy", readTestdata(t, "legacy.pfx"), wrongPassword,
			"the client certificate is a PKCS#12 archive that the password does not open"},
		{"no password", readTestdata(t, "modern.pfx"), "",
			"the client certificate is a PKCS#12 archive that the password does not open"},
		{"neither PKCS#12 nor PEM", []byte("not a certificate"), "",
			"the client certificate is neither a PKCS#12 archive nor PEM"},
		{"PEM without a key", appOnly, "", "the client certificate's PEM holds no private key"},
		{"PEM whose key matches no certificate", append(readTestdata(t, "ca.crt"), readTestdata(t, "ca-first.pem")[len(readTestdata(t, "ca.crt"))+len(appOnly):]...), "",
			"no certificate in the client certificate matches its private key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := partnercenter.CredentialOptions{TenantID: emulator.DefaultTenantID, ClientID: emulator.DefaultClientID,
				ClientCertificate: tt.data, ClientCertificatePassword: tt.password, AuthorityHost: "https://login.microsoftonline.com/"}
			_, err := partnercenter.NewCredential(o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), wrongPassword) {
				t.Errorf("the error quotes the password: %v", err)
			}
		})
	}
}
