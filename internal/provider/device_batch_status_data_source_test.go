package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

const dataSourceAddress = "data.partnercenter_device_batch_status.test"

// batchStatusConfig declares data.partnercenter_device_batch_status.test,
// reading trackingID of customerID, with extra arguments and blocks.
func batchStatusConfig(customerID, trackingID, extra string) string {
	return fmt.Sprintf(`
data "partnercenter_device_batch_status" "test" {
  customer_id       = %q
  batch_tracking_id = %q
%s
}
`, customerID, trackingID, extra)
}

func expect(attribute string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(dataSourceAddress, tfjsonpath.New(attribute), value)
}

func TestAccDeviceBatchStatus_seedExample(t *testing.T) {
	em := newTestEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("id", knownvalue.StringExact(emulator.SeedCustomerID+"/"+emulator.SeedBatchTrackingID)),
				expect("customer_id", knownvalue.StringExact(emulator.SeedCustomerID)),
				expect("batch_tracking_id", knownvalue.StringExact(emulator.SeedBatchTrackingID)),
				expect("status", knownvalue.StringExact("finished")),
				expect("started_time", knownvalue.StringExact("2017-07-25T10:00:00Z")),
				expect("completed_time", knownvalue.StringExact("2017-07-25T10:10:00Z")),
				expect("completed", knownvalue.Bool(true)),
				expect("device_count", knownvalue.Int64Exact(1)),
				expect("failed_device_count", knownvalue.Int64Exact(1)),
				expect("devices_status", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"device_id":         knownvalue.Null(),
						"serial_number":     knownvalue.StringExact("1234567890"),
						"product_key":       knownvalue.StringExact("12345-67890-09876-54321-13579"),
						"status":            knownvalue.StringExact("finished_with_errors"),
						"error_code":        knownvalue.StringExact("808"),
						"error_description": knownvalue.StringExact("ZtdDeviceAssignedToOtherTenant"),
					}),
				})),
			},
			// Client secret sign-in: the emulator issued the token it accepted.
			Check: func(*terraform.State) error {
				if n := em.TokenRequests(emulator.DefaultClientID); n == 0 {
					return fmt.Errorf("no token was requested from Entra ID")
				}
				return nil
			},
		}},
	})
}

func TestAccDeviceBatchStatus_stillProcessing(t *testing.T) {
	em := newTestEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, emulator.ProcessingBatchTrackingID, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("status", knownvalue.StringExact("processing")),
					expect("started_time", knownvalue.StringExact("2017-07-26T09:30:00Z")),
					expect("completed_time", knownvalue.Null()),
					expect("completed", knownvalue.Bool(false)),
					expect("device_count", knownvalue.Int64Exact(2)),
					expect("failed_device_count", knownvalue.Int64Exact(0)),
				},
			},
			{
				Config: em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, emulator.QueuedBatchTrackingID, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expect("status", knownvalue.StringExact("queued")),
					expect("started_time", knownvalue.Null()),
					expect("completed_time", knownvalue.Null()),
					expect("completed", knownvalue.Bool(false)),
					expect("device_count", knownvalue.Int64Exact(0)),
					expect("devices_status", knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}

func TestAccDeviceBatchStatus_accessToken(t *testing.T) {
	em := newTestEmulator(t)
	token := em.NewAccessToken(emulator.DefaultTenantID, time.Hour)
	// Plain http to loopback: the one place base_url may skip TLS.
	config := providerBlock(attrs{"base_url": em.PlainURL, "access_token": token}) + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: []statecheck.StateCheck{expect("status", knownvalue.StringExact("finished"))},
			Check: func(*terraform.State) error {
				for _, r := range partnerCenterRequests(em.Emulator) {
					if got := r.Header.Get("Authorization"); got != "Bearer "+token {
						return fmt.Errorf("Authorization %q, want the configured access token", got)
					}
				}
				if n := em.TokenRequests(emulator.DefaultClientID); n != 0 {
					return fmt.Errorf("%d token requests with a configured access token, want 0", n)
				}
				return nil
			},
		}},
	})
}

func TestAccDeviceBatchStatus_environmentVariables(t *testing.T) {
	em := newTestEmulator(t)
	// The Azure providers' variables sign in when no PARTNERCENTER_* one is set.
	env := map[string]string{
		"PARTNERCENTER_BASE_URL":       em.URL,
		"PARTNERCENTER_AUTHORITY_HOST": em.URL + "/",
		"ARM_TENANT_ID":                emulator.DefaultTenantID,
		"ARM_CLIENT_ID":                emulator.DefaultClientID,
		"ARM_CLIENT_SECRET":            "wrong secret that PARTNERCENTER_CLIENT_SECRET overrides",
		"PARTNERCENTER_CLIENT_SECRET":  emulator.DefaultClientSecret,
		"PARTNERCENTER_LOCALE":         "de-DE",
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(env),
		Steps: []resource.TestStep{{
			Config:            `provider "partnercenter" {}` + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
			ConfigStateChecks: []statecheck.StateCheck{expect("status", knownvalue.StringExact("finished"))},
			Check: func(*terraform.State) error {
				return expectHeader(em, "X-Locale", regexp.MustCompile(`^de-DE$`))
			},
		}},
	})
}

func TestAccDeviceBatchStatus_requestHeaders(t *testing.T) {
	em := newTestEmulator(t)
	config := em.providerConfig(attrs{"locale": "fr-FR"})
	guid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: config + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
			Check: func(*terraform.State) error {
				for header, want := range map[string]*regexp.Regexp{
					"Authorization":       regexp.MustCompile(`^Bearer \S+$`),
					"Accept":              regexp.MustCompile(`^application/json$`),
					"MS-Contract-Version": regexp.MustCompile(`^v1$`),
					"X-Locale":            regexp.MustCompile(`^fr-FR$`),
					"MS-RequestId":        guid,
					"MS-CorrelationId":    guid,
					"User-Agent":          regexp.MustCompile(`^terraform-provider-partnercenter/test Terraform/\d+\.\d+\.\d+`),
				} {
					if err := expectHeader(em, header, want); err != nil {
						return err
					}
				}
				return nil
			},
		}},
	})
}

func TestAccDeviceBatchStatus_invalidGUIDAtPlanTime(t *testing.T) {
	em := newTestEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config:      em.providerConfig() + batchStatusConfig("not-a-guid", emulator.SeedBatchTrackingID, ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid GUID.*customer_id is "not-a-guid"; the value must be a GUID`),
			},
			{
				Config:      em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, "{"+emulator.SeedBatchTrackingID+"}", ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid GUID.*batch_tracking_id is`),
			},
		},
	})
	if n := len(partnerCenterRequests(em.Emulator)); n != 0 {
		t.Errorf("invalid IDs reached Partner Center %d times", n)
	}
}

func TestAccDeviceBatchStatus_idsUnknownAtPlanTime(t *testing.T) {
	em := newTestEmulator(t)
	config := em.providerConfig() + fmt.Sprintf(`
resource "terraform_data" "ids" {
  input = { customer = %q, batch = %q }
}

data "partnercenter_device_batch_status" "test" {
  customer_id       = terraform_data.ids.output.customer
  batch_tracking_id = terraform_data.ids.output.batch
}
`, emulator.SeedCustomerID, emulator.SeedBatchTrackingID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: []statecheck.StateCheck{expect("status", knownvalue.StringExact("finished"))},
		}},
	})
}

func TestAccDeviceBatchStatus_notFound(t *testing.T) {
	em := newTestEmulator(t)
	const missing = "11111111-2222-4333-8444-555555555555"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, missing, ""),
			ExpectError: regexp.MustCompile(`(?s)Device batch not found.*no device batch with tracking ID\s+` + missing +
				`\s+for customer\s+` + emulator.SeedCustomerID + `.*HTTP status: 404 Not Found.*Partner Center code: 1000.*Description: Not found.*MS-RequestId: [0-9a-f-]{36}.*MS-CorrelationId: [0-9a-f-]{36}`),
		}},
	})
}

func TestAccDeviceBatchStatus_partnerCenterFault(t *testing.T) {
	em := newTestEmulator(t)
	em.InjectFaults("/v1/customers/*/batchJobStatus/*", emulator.Fault{Times: -1,
		Status: http.StatusForbidden,
		Header: http.Header{"MS-RequestId": {"aaaaaaaa-0000-4000-8000-000000000001"}, "MS-CorrelationId": {"bbbbbbbb-0000-4000-8000-000000000002"}},
		Body:   []byte(`{"code":20002,"description":"partner id 1 has no commerce relationship with the customer id 2","data":[],"source":"PartnerFD"}`),
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config: em.providerConfig() + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
			ExpectError: regexp.MustCompile(`(?s)Access denied by Partner Center.*HTTP status: 403 Forbidden.*Partner Center code: 20002.*` +
				`Description: partner id 1 has no commerce relationship with the customer id 2.*` +
				`MS-RequestId: aaaaaaaa-0000-4000-8000-000000000001.*MS-CorrelationId: bbbbbbbb-0000-4000-8000-000000000002.*Attempts: 1`),
		}},
	})
}

func TestAccDeviceBatchStatus_wrongClientSecret(t *testing.T) {
	em := newTestEmulator(t)
	config := em.providerConfig(attrs{"client_secret": "not-the-secret"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{{
			Config:      config + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
			ExpectError: regexp.MustCompile(`(?s)invalid_client.*AADSTS7000215: Invalid client secret provided`),
		}},
	})
	if n := len(partnerCenterRequests(em.Emulator)); n != 0 {
		t.Errorf("Partner Center was called %d times without a token", n)
	}
}

// TestAccProvider_invalidConfigurationAtPlanTime plans a configuration
// whose only resource plans its creation without calling Partner Center:
// an invalid provider attribute fails the plan all the same, in an error
// on that attribute that says what is wrong with its value.
func TestAccProvider_invalidConfigurationAtPlanTime(t *testing.T) {
	tests := []struct {
		attribute, value, summary, detail string
	}{
		{"environment", "mars", `Invalid Attribute Value Match`, `Attribute environment value must be one of`},
		{"base_url", "http://api.partnercenter.example.com", `Invalid URL`,
			`base_url: "http://api.partnercenter.example.com" uses http to a host that is not a loopback address`},
		{"base_url", "https://api.partnercenter.microsoft.com?tenant=x", `Invalid URL`,
			`base_url: "https://api.partnercenter.microsoft.com\?\*\*\*" must not contain a query`},
		{"authority_host", "http://127.0.0.1:8443/", `Invalid URL`, `authority_host: "http://127.0.0.1:8443/" must use https`},
		{"client_id", "my-app", `Invalid GUID`, `client_id is "my-app"; the value must be a GUID`},
		{"locale", "english please", `Invalid Attribute Value Match`, `Attribute locale must be a locale such as en-US`},
	}
	for _, tt := range tests {
		t.Run(tt.attribute, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories(nil),
				Steps: []resource.TestStep{{
					Config:   providerBlock(attrs{tt.attribute: tt.value}) + batchConfig("Never planned", []string{"SN-1"}, ""),
					PlanOnly: true,
					ExpectError: errorPattern(`Error: ` + tt.summary + ` with provider\["[^"]+/partnercenter"\], on \S+ line \d+, in provider "partnercenter": ` +
						`\d+: ` + tt.attribute + ` = "` + regexp.QuoteMeta(tt.value) + `" ` + tt.detail),
				}},
			})
		})
	}
}

func TestAccProvider_invalidEnvironmentVariable(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(map[string]string{"PARTNERCENTER_BASE_URL": "http://partner.example.com"}),
		Steps: []resource.TestStep{{
			Config:      `provider "partnercenter" {}` + batchStatusConfig(emulator.SeedCustomerID, emulator.SeedBatchTrackingID, ""),
			ExpectError: regexp.MustCompile(`(?s)Invalid provider configuration.*environment variable PARTNERCENTER_BASE_URL is invalid`),
		}},
	})
}

// partnerCenterRequests returns the requests the emulator saw on the Partner
// Center API, leaving out Entra ID's.
func partnerCenterRequests(em *emulator.Emulator) []emulator.Request {
	var out []emulator.Request
	for _, r := range em.Requests() {
		if strings.HasPrefix(strings.ToLower(r.Path), "/v1/") {
			out = append(out, r)
		}
	}
	return out
}

// expectHeader checks a header on every Partner Center request the emulator saw.
func expectHeader(em *testEmulator, name string, want *regexp.Regexp) error {
	requests := partnerCenterRequests(em.Emulator)
	if len(requests) == 0 {
		return fmt.Errorf("the emulator saw no Partner Center request")
	}
	for _, r := range requests {
		if got := r.Header.Get(name); !want.MatchString(got) {
			return fmt.Errorf("request %s: header %s = %q, want %s", r.Path, name, got, want)
		}
	}
	return nil
}
