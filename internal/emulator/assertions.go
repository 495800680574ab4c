package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // Entra ID's x5t header is a SHA-1 thumbprint.
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// FederatedIssuer is the issuer of the tokens IssueFederatedToken mints, the
// emulator's stand-in for a CI system's OpenID Connect provider.
const FederatedIssuer = "https://oidc.partnercenter-emulator.invalid"

// FederatedAudience is the audience Entra ID requires of federated tokens.
const FederatedAudience = "api://AzureADTokenExchange"

// signingKeyBits is the size of the key that signs federated tokens.
const signingKeyBits = 2048

// RegisterFederatedCredential lets an application sign in to tenantID with a
// token from FederatedIssuer for subject as its client assertion, as a
// federated identity credential does, registering the application without a
// secret if it is new.
func (e *Emulator) RegisterFederatedCredential(tenantID, clientID, subject string) {
	e.entra.mu.Lock()
	defer e.entra.mu.Unlock()
	a := e.app(tenantID, clientID)
	a.federatedSubjects = append(a.federatedSubjects, subject)
}

// IssueFederatedToken mints a token from FederatedIssuer for subject and
// FederatedAudience that expires after lifetime, as a CI system hands its
// jobs.
func (e *Emulator) IssueFederatedToken(subject string, lifetime time.Duration) string {
	return e.issueFederatedToken(subject, FederatedAudience, lifetime)
}

func (e *Emulator) issueFederatedToken(subject, audience string, lifetime time.Duration) string {
	now := time.Now()
	token := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.RegisteredClaims{
		Issuer:    FederatedIssuer,
		Subject:   subject,
		Audience:  jwt.ClaimStrings{audience},
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
		ExpiresAt: jwt.NewNumericDate(now.Add(lifetime)),
		ID:        rand.Text(),
	})
	signed, err := token.SignedString(e.signingKey())
	if err != nil {
		// An RSA key signs any claims.
		panic(err)
	}
	return signed
}

// signingKey returns the key federated tokens are signed with, generated on
// first use because most emulators never issue one.
func (e *Emulator) signingKey() *rsa.PrivateKey {
	e.entra.signerOnce.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, signingKeyBits)
		if err != nil {
			panic(err)
		}
		e.entra.signer = key
	})
	return e.entra.signer
}

// verifyAssertion checks a client assertion for clientID: signed by one of
// the registered certificates for audience, the token endpoint, or issued by
// FederatedIssuer for one of the trusted subjects. It returns Entra ID's
// error for the first check that fails.
func (e *Emulator) verifyAssertion(assertion, clientID, audience string, certificates []*x509.Certificate, subjects []string) *aadsts {
	var claims jwt.RegisteredClaims
	parser := jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg(), jwt.SigningMethodPS256.Alg()}), jwt.WithExpirationRequired())
	unverified, _, err := parser.ParseUnverified(assertion, &claims)
	if err != nil {
		return &aadsts{50027, "JWT token is invalid or malformed."}
	}
	if strings.EqualFold(claims.Issuer, clientID) {
		return verifyCertificateAssertion(parser, assertion, unverified.Header, claims, clientID, audience, certificates)
	}
	return e.verifyFederatedAssertion(parser, assertion, claims, subjects)
}

func verifyCertificateAssertion(parser *jwt.Parser, assertion string, header map[string]any, claims jwt.RegisteredClaims,
	clientID, audience string, certificates []*x509.Certificate) *aadsts {
	thumbprint, _ := header["x5t#S256"].(string)
	sha1Thumbprint, _ := header["x5t"].(string)
	i := slices.IndexFunc(certificates, func(c *x509.Certificate) bool {
		s256 := sha256.Sum256(c.Raw)
		s1 := sha1.Sum(c.Raw) //nolint:gosec // See the import.
		return thumbprint == base64.StdEncoding.EncodeToString(s256[:]) || sha1Thumbprint == base64.StdEncoding.EncodeToString(s1[:])
	})
	switch {
	case i < 0:
		return &aadsts{700027, fmt.Sprintf(
			"The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '%s%s', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '%s'.]",
			thumbprint, sha1Thumbprint, clientID)}
	case !strings.EqualFold(claims.Subject, clientID):
		return &aadsts{700023, "Client assertion audience claim does not match Realm issuer."}
	case !slices.ContainsFunc(claims.Audience, func(a string) bool { return strings.EqualFold(a, audience) }):
		return &aadsts{700212, fmt.Sprintf("Client assertion audience claim does not match the token endpoint '%s'.", audience)}
	}
	_, err := parser.ParseWithClaims(assertion, &jwt.RegisteredClaims{}, func(*jwt.Token) (any, error) {
		return certificates[i].PublicKey, nil
	})
	return assertionError(err)
}

func (e *Emulator) verifyFederatedAssertion(parser *jwt.Parser, assertion string, claims jwt.RegisteredClaims, subjects []string) *aadsts {
	switch {
	case claims.Issuer != FederatedIssuer:
		return &aadsts{700211, fmt.Sprintf("No matching federated identity record found for presented assertion issuer '%s'.", claims.Issuer)}
	case !slices.Contains(claims.Audience, FederatedAudience):
		return &aadsts{700212, fmt.Sprintf("No matching federated identity record found for presented assertion audience '%s'.",
			strings.Join(claims.Audience, ","))}
	case !slices.Contains(subjects, claims.Subject):
		return &aadsts{70021, fmt.Sprintf(
			"No matching federated identity record found for presented assertion. Assertion Issuer: '%s'. Assertion Subject: '%s'. Assertion Audience: '%s'.",
			claims.Issuer, claims.Subject, strings.Join(claims.Audience, ","))}
	}
	_, err := parser.ParseWithClaims(assertion, &jwt.RegisteredClaims{}, func(*jwt.Token) (any, error) {
		return &e.signingKey().PublicKey, nil
	})
	return assertionError(err)
}

// assertionError maps a failed signature or lifetime check to Entra ID's
// error, or returns nil for a valid assertion.
func assertionError(err error) *aadsts {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenNotValidYet):
		return &aadsts{700024, "Client assertion is not within its valid time range."}
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return &aadsts{700027, "Client assertion failed signature validation."}
	}
	return &aadsts{50027, "JWT token is invalid or malformed."}
}
