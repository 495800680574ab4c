// Package emulator is an in-memory stand-in for Microsoft Partner Center's
// device batch status API and for the Entra ID v2 token endpoint that signs
// callers in to it.
//
// One [Emulator] is an http.Handler serving both sides on the same root:
//
//   - GET /{tenant}/v2.0/.well-known/openid-configuration and
//     POST /{tenant}/oauth2/v2.0/token answer as Entra ID does for the client
//     credentials grant (with a client secret, a certificate-signed client
//     assertion or a federated token) and the refresh token grant, including
//     its error bodies, so that azidentity and MSAL sign in against it
//     unchanged;
//   - GET /metadata/identity/oauth2/token answers as Azure's instance metadata
//     service does for managed identities;
//   - /oidc/token issues federated tokens as GitHub Actions' (GET) and Azure
//     DevOps' (POST) OIDC request URLs do;
//   - GET /v1/customers/{customer-id}/batchJobStatus/{batch-tracking-id}
//     answers as Partner Center does, with its headers and ApiFault bodies.
//
// New seeds the application in DefaultTenantID/DefaultClientID and four
// batches: three fixed ones, one of them the example response of Microsoft's
// "Get the status of a device batch upload" page, byte for byte, and
// ScheduledBatchTrackingID, which moves from queued through processing to
// finished_with_errors on the emulator's clock, devices finishing one by one
// and two of them failing with the documented codes 806 and 808. azidentity only talks to https
// authorities, so [CertificateAuthority] issues the loopback certificate to
// serve the emulator with and the root that clients trust.
//
// Tests drive it through RegisterApp, RegisterCertificate,
// RegisterFederatedCredential, RegisterManagedIdentity, NewRefreshToken,
// IssueFederatedToken, NewOIDCRequestToken, SetTokenLifetime, PutBatch,
// LoadFixtures (fixed answers or schedules), ScheduleBatch, SetClock,
// SetStepPerRead, SetPollRetryAfter, NewAccessToken
// and InjectFaults (per route: status sequences, Retry-After, bodies, delays,
// truncated or oversized bodies, dropped connections), and inspect what
// clients sent with Requests, Attempts (per MS-RequestId) and TokenRequests.
// The partnercenter-emulator command serves it on its own, with faults from
// ParseFaults.
package emulator
