package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// ClientCertificate is a self-signed certificate and its key, for tests
// and users of the emulator who need a client certificate to sign in with:
// register Certificate for an application with RegisterCertificate and
// give the client PEM.
type ClientCertificate struct {
	Certificate *x509.Certificate
	// Key is RSA, as client assertions are signed with PS256 or RS256.
	Key *rsa.PrivateKey
	// PEM is the certificate and then its key (PKCS #8), PEM-encoded, as a
	// certificate file holds them.
	PEM []byte
}

// NewClientCertificate creates a self-signed RSA 2048 certificate, valid
// from an hour ago for two hours: the emulator checks an assertion's
// signature against it, not its dates.
func NewClientCertificate() (ClientCertificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return ClientCertificate{}, fmt.Errorf("generating the client key: %w", err)
	}
	now := time.Now()
	template := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Partner Center emulator client"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return ClientCertificate{}, fmt.Errorf("creating the client certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return ClientCertificate{}, fmt.Errorf("parsing the client certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return ClientCertificate{}, fmt.Errorf("encoding the client key: %w", err)
	}
	return ClientCertificate{Certificate: cert, Key: key,
		PEM: append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})...),
	}, nil
}
