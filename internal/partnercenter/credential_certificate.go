package partnercenter

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"software.sslmate.com/src/go-pkcs12"
)

// parseCertificate reads a PKCS#12 archive or PEM certificates and private
// key, as Entra ID client certificates come, and returns the certificates
// with the one the key belongs to first, whatever their order in data. PEM
// is read whatever the password, which only opens an archive. PKCS#12 is read
// as OpenSSL 3 and Windows write it today (PBES2 with AES and an HMAC-SHA256
// MAC) and as older tools did (3DES or RC2 with a SHA-1 MAC).
func parseCertificate(data []byte, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	var (
		certs []*x509.Certificate
		key   crypto.PrivateKey
		err   error
	)
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		certs, key, err = parsePEMCertificate(data)
	} else {
		certs, key, err = parsePKCS12(data, password)
	}
	if err != nil {
		return nil, nil, err
	}
	return leafFirst(certs, key)
}

// parsePKCS12 reads every certificate and the private key of a PKCS#12
// archive.
func parsePKCS12(data []byte, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption):
		return nil, nil, errors.New("the client certificate is a PKCS#12 archive that the password does not open: check the certificate's password")
	case err != nil && strings.HasPrefix(err.Error(), "pkcs12: error reading P12 data"):
		// go-pkcs12's only error for data that is not an archive at all.
		return nil, nil, fmt.Errorf("the client certificate is neither a PKCS#12 archive nor PEM: %w", err)
	case err != nil:
		return nil, nil, fmt.Errorf("the client certificate's PKCS#12 archive cannot be read: %w", err)
	}
	return append([]*x509.Certificate{cert}, chain...), key, nil
}

// parsePEMCertificate reads the certificates and the one unencrypted private
// key of PEM data, as azidentity does.
func parsePEMCertificate(data []byte) ([]*x509.Certificate, crypto.PrivateKey, error) {
	var certs []*x509.Certificate
	var key crypto.PrivateKey
	for {
		var block *pem.Block
		if block, data = pem.Decode(data); block == nil {
			break
		}
		var err error
		switch block.Type {
		case "CERTIFICATE":
			var cert *x509.Certificate
			if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
				certs = append(certs, cert)
			}
		case "PRIVATE KEY", "RSA PRIVATE KEY":
			if key != nil {
				return nil, nil, errors.New("the client certificate's PEM holds more than one private key")
			}
			if key, err = x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
				key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
			}
		case "ENCRYPTED PRIVATE KEY":
			return nil, nil, errors.New("the client certificate's PEM private key is encrypted, which is not supported: " +
				"write it unencrypted, or use a PKCS#12 archive with a password")
		}
		if err != nil {
			return nil, nil, fmt.Errorf("the client certificate's PEM holds a %s that cannot be read: %w", block.Type, err)
		}
	}
	switch {
	case len(certs) == 0:
		return nil, nil, errors.New("the client certificate's PEM holds no certificate")
	case key == nil:
		return nil, nil, errors.New("the client certificate's PEM holds no private key")
	}
	return certs, key, nil
}

// leafFirst puts the certificate of key first, followed by the others in
// their order: the certificate a client assertion names is the first.
func leafFirst(certs []*x509.Certificate, key crypto.PrivateKey) ([]*x509.Certificate, crypto.PrivateKey, error) {
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("the client certificate's private key is a %T, which cannot sign", key)
	}
	public, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok {
		return nil, nil, fmt.Errorf("the client certificate's private key is a %T, which cannot sign", key)
	}
	for i, cert := range certs {
		if public.Equal(cert.PublicKey) {
			ordered := make([]*x509.Certificate, 0, len(certs))
			ordered = append(ordered, cert)
			ordered = append(ordered, certs[:i]...)
			return append(ordered, certs[i+1:]...), key, nil
		}
	}
	return nil, nil, errors.New("no certificate in the client certificate matches its private key")
}

// readCertificate parses the certificate in the file at path.
func readCertificate(path, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	data, err := readCredentialFile(path)
	if err != nil {
		return nil, nil, err
	}
	certs, key, err := parseCertificate(data, password)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return certs, key, nil
}
