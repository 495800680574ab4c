// Package emulator is an in-memory stand-in for Microsoft Partner Center's
// device deployment API and for the Entra ID v2 token endpoint that signs
// callers in to it.
//
// # Routes
//
// One [Emulator] is an http.Handler serving both sides on the same root.
// Entra ID's (and Azure's) sign-in endpoints:
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
//     DevOps' (POST) OIDC request URLs do.
//
// Partner Center's customers, under /v1/customers:
//
//	GET /v1/customers?size={n}                      the partner's customers, a collection of n a page
//	GET /v1/customers?seekOperation=Next            the next page, with MS-ContinuationToken
//	GET /v1/customers?size=0&filter={filter}        those whose CompanyName or Domain starts with a value
//	GET /v1/customers/{customer-tenant-id}          one customer; 404 ApiFault 20002 for one it does not know
//
// The list answers the known customers in the order the emulator came to
// know them, n a page: 1 to 500, or the emulator's page size (see
// SetPageSize) when size is missing or 0, as Microsoft's filter sample
// sends it; another size is 400 ApiFault 800002. Its next link is
// /customers?seekOperation=Next with the continuation token in the header
// MS-ContinuationToken; the token remembers the size and the filter, and
// a next page that names another filter is refused with 400. The filter
// is the URL-encoded JSON {"Field":"Domain","Value":"contoso","Operator":
// "starts_with"}: Field CompanyName or Domain (the default domain),
// Operator starts_with, both and the member names in any case, Value
// matched case-insensitively as a prefix; Microsoft's other fields
// (IndirectReseller, IndirectCloudSolutionProvider), other operators and
// JSON that does not parse are 400 ApiFault 800002. A customer is
// {"id", "companyProfile": {"tenantId", "domain", "companyName", "links",
// "attributes"}, "relationshipToPartner", "links", "attributes"}, as
// Microsoft's samples of the list show it; read on its own it carries
// "commerceId", which those samples lack, and "allowDelegatedAccess": true,
// which Microsoft documents for that read only, but no billing profile.
// Neither answer starts with a byte order mark: Microsoft's samples of
// them have none.
//
// Partner Center's device deployment operations, under
// /v1/customers/{customer-id}, numbered as in the project's API notes:
//
//	#1  POST   /deviceBatches                          create a batch with devices: 202, Location (app+user tokens only)
//	#2  POST   /deviceBatches/{batch-id}/devices       upload devices (a bare JSON array) into a batch: 202, Location
//	#3  GET    /batchJobStatus/{tracking-id}           the status of an upload or policy update
//	#4  GET    /deviceBatches                          the customer's batches, a collection (or a bare array)
//	#5  GET    /deviceBatches/{batch-id}/devices       a batch's devices, a collection of 100 a page (or a bare array)
//	#6  PUT    /deviceBatches/{batch-id}/devices/{id}  a device's policies: 200 and the device
//	#7  DELETE /deviceBatches/{batch-id}/devices/{id}  204; the batch stays
//	#8  PATCH  /DevicePolicyUpdates                    assign policies to devices: 202, Location
//	#9  GET    /policies                               the customer's configuration policies, a collection
//	#10 GET    /policies/{policy-id}                   one policy, after a UTF-8 byte order mark
//	#11 POST   /policies                               create a policy: 200 and the policy
//	#12 PUT    /policies/{policy-id}                   update a policy (not its category): 200
//	#13 DELETE /policies/{policy-id}                   204; 409 while devices are assigned (or 204)
//
// Routes form a table of method, path pattern and handler. Fixed segments
// match case-insensitively (Microsoft's own examples write batchjobstatus
// and DevicePolicyUpdates); the others are matched unescaped, so batch IDs,
// which are free text, may hold spaces or an escaped "/". A known path with
// another method answers 405 with Allow, an unknown one 404, both with an
// ApiFault.
//
// # What every Partner Center answer shares
//
// A bearer token the emulator issued, unexpired, of a registered tenant, or
// 401 ApiFault 400 "Access denied". The headers MS-RequestId and
// MS-CorrelationId (the request's, or new GUIDs), MS-CV, MS-ServerId and
// Date. Errors as ApiFault bodies ({"code":...,"description":...,"data":
// [...],"source":"PartnerFD"}; 400 800002 "Invalid request input" for a
// body Partner Center refuses, with what is wrong in data), 429 as Partner
// Center's throttling body. Collections as {"totalCount", "items",
// "continuationToken", "links", "attributes"}, paged (see SetPageSize) with
// continuation tokens sent back in MS-ContinuationToken; a token the
// emulator did not hand out for that collection is 400. A POST, PUT, PATCH
// or DELETE carrying an MS-RequestId is applied once: the same request
// again, with the same ID, method and path, gets the stored answer, as
// Partner Center documents for retries. Request bodies are read with
// case-insensitive field names, so the SDKs' PascalCase and other clients'
// camelCase both work; answers are camelCase, date-times UTC without a
// zone, as Partner Center writes them.
//
// # State
//
// Partner Center's resources live in stores, each under its own lock:
// customers, device batches, devices, batch jobs and configuration
// policies; Entra ID's tenants, applications and tokens live apart. A
// customer has an ID and a profile (Customer: company name, default
// domain, relationship to the partner). Customers are known with their
// profiles once a test adds them (AddCustomers, LoadCustomers), and by
// their IDs alone (AddCustomer) or, unless customers are strict, once
// anything of them is stored: then with a made-up profile, the company
// "Customer " and the ID's first 8 hexadecimal digits, such as Customer
// 47021739, the domain 47021739.onmicrosoft.com, relationship reseller.
// Every route under /v1/customers/{customer-id}/ serves any customer ID,
// a GUID or not; with SetStrictCustomers, only the known customers, and
// others get 404 ApiFault 20002, as a customer without relationship, while
// nothing but AddCustomer, AddCustomers and LoadCustomers makes a customer
// known. A
// device is identified by its hardware hash, else its product key, else
// its serial number with its manufacturer and model, and one
// identification belongs to one device across all customers. Tokens
// remember whether they are app+user (the refresh token grant,
// NewUserAccessToken) or app-only (the other grants, NewAccessToken).
//
// Uploads and policy updates are batch jobs: queued, then processing one
// device after another, then finished or finished_with_errors, on the
// emulator's clock (see SetJobTiming, SetClock) or one step per status read
// (SetStepPerRead). A job's changes happen as its devices' turns come, and
// whoever reads next, a status, a device list or a test helper, sees them.
// An uploaded device fails with 808 ZtdDeviceAssignedToOtherTenant when
// another customer holds its identification, 806 ZtdDeviceAlreadyAssigned
// when this customer does, ZtdDeviceDuplicated when an earlier device of
// the same upload has it and InvalidZtdHardwareHash when its hash is not
// base64; the others join the batch with a generated ID. A device policy
// update fails a device that is not the customer's (DeviceNotFound) or
// whose policy is not (PolicyNotFound), and a device a test made fail with
// FailDevicePolicyUpdates.
//
// Where Microsoft's documentation is silent, the emulator chooses, and says
// so where it answers: 404 ApiFault 20002 (the code Microsoft documents,
// with 403, for a partner without relationship to the customer) for a
// customer the emulator does not know; 403 ApiFault 2032 for an app-only
// token creating a batch; 409 (code 409) for a batch ID in use and, by
// default, for
// deleting a policy still assigned; no errorCode for the errors documented
// by name only; a null policy value unassigns a device's policy. Where a
// client must cope with either of two answers, Answers chooses (see below).
// One convenience goes
// beyond the docs: with SetPollRetryAfter, answers for batches still queued
// or processing carry Retry-After, which Partner Center does not document,
// so that a waiting client polls at the emulator's pace.
//
// New seeds the application in DefaultTenantID/DefaultClientID, the
// customer SeedCustomerID, Contoso (SeedCustomerCompanyName,
// SeedCustomerDomain), and four batch jobs of it: three fixed ones, one of them the example
// response of Microsoft's "Get the status of a device batch upload" page,
// byte for byte, and ScheduledBatchTrackingID, which moves from queued
// through processing to finished_with_errors on the emulator's clock,
// devices finishing one by one and two of them failing with the documented
// codes 806 and 808. Batches, devices and policies start empty.
// azidentity only talks to https authorities, so [CertificateAuthority]
// issues the loopback certificate to serve the emulator with and the root
// that clients trust.
//
// # Where Microsoft is silent
//
// Where Microsoft's public sources are silent or disagree, a client must
// work under either plausible answer, so the emulator gives either:
// [Answers], set with SetAnswers (the command's flags are AnswerSwitches),
// has one field for each question. Its zero value, the default, answers
// what Microsoft's samples show, else what the emulator chose before:
// device lists (and device updates) without hardwareHash but with the
// serial number, manufacturer and model a hash-only upload did not carry,
// as decoded from the hash (DecodeHardwareHash); status items of devices
// uploaded by hash with their serial numbers and product keys; jobs
// finished_with_errors listing their devices; a policy update without
// description clearing it; no settings read back as []; 409 for deleting a
// policy still assigned; the totalCount of the whole collection; enums
// spelt as documented (requests are understood in the .NET SDK's
// PascalCase as well, whatever the answers); batch and device lists as
// paged collections; batch IDs compared case-insensitively; no cap on the
// devices of an upload; batch job statuses readable forever. Each request
// reads the answers once, as it is served, so that a change shows from
// the next request on, for what was stored before too.
//
// # Test helpers
//
// Tests sign in through RegisterApp, RegisterCertificate,
// RegisterFederatedCredential, RegisterManagedIdentity, NewRefreshToken,
// IssueFederatedToken, NewOIDCRequestToken, SetTokenLifetime,
// NewAccessToken and NewUserAccessToken. They shape batch statuses with
// PutBatch, LoadFixtures (fixed answers or schedules), ScheduleBatch and
// DemoBatchSchedule, and time with SetClock (NewManualClock),
// SetStepPerRead, SetJobTiming and SetPollRetryAfter. SetAnswers picks the
// answers where Microsoft is silent. They seed customers with
// AddCustomers (thousands at once if need be), LoadCustomers and
// DemoCustomers (the command's: Contoso, Fabrikam and Northwind, whose IDs
// and domains are constants), and serve only those with
// SetStrictCustomers. They act behind a client's back and inspect state
// with AddCustomer, Customers, CustomerProfiles, AddDevices
// (a device added to another customer makes its upload here fail with 808),
// Devices, DeleteDevice, SetDevicePolicy, FailDevicePolicyUpdates,
// Batches, Policies, PutPolicy and DeletePolicy, and vary the wire with
// SetPageSize, SetByteOrderMarks and UseDevicesAssignedField.
// InjectFaults breaks any route (status sequences, Retry-After, bodies,
// delays, truncated or oversized bodies, dropped or reset connections; per
// method with Fault.Method; after the request was applied with
// Fault.AfterApply), and Requests, Attempts (per MS-RequestId) and
// TokenRequests tell what clients sent. The partnercenter-emulator command
// serves it on its own, with faults from ParseFaults and customers from
// DemoCustomers or its -customers file.
package emulator
