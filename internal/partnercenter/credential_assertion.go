package partnercenter

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// clientAuthentication adds the application's own credential to a token
// request form; audience is the token endpoint.
type clientAuthentication func(form url.Values, audience string) error

// certificateAuthentication signs a client assertion as MSAL does: PS256,
// with the certificate's SHA-256 thumbprint in the header.
func certificateAuthentication(clientID string, certs []*x509.Certificate, key crypto.PrivateKey) clientAuthentication {
	return func(form url.Values, audience string) error {
		rsaKey, ok := key.(*rsa.PrivateKey)
		if !ok || len(certs) == 0 {
			return errors.New("the client certificate must hold an RSA private key and its certificate")
		}
		now := time.Now()
		token := jwt.NewWithClaims(jwt.SigningMethodPS256, jwt.RegisteredClaims{
			Issuer:    clientID,
			Subject:   clientID,
			Audience:  jwt.ClaimStrings{audience},
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(10 * time.Minute)),
			ID:        rand.Text(),
		})
		thumbprint := sha256.Sum256(certs[0].Raw)
		token.Header["x5t#S256"] = base64.StdEncoding.EncodeToString(thumbprint[:])
		assertion, err := token.SignedString(rsaKey)
		if err != nil {
			return fmt.Errorf("signing the client assertion: %w", err)
		}
		form.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		form.Set("client_assertion", assertion)
		return nil
	}
}
