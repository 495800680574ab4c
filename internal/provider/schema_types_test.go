package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestNestedTypesMatchSchemas pins every type the provider builds nested
// values with to each schema attribute of that shape, so that an attribute
// added, renamed or retyped in one schema but not in the type (or in a second
// schema sharing the shape) fails here instead of in an acceptance test.
func TestNestedTypesMatchSchemas(t *testing.T) {
	lastUpload := deviceBatchSchema().Attributes["last_upload"]
	uploadedDevices := nestedObjectType(lastUpload).AttrTypes["devices_status"].(types.ListType) //nolint:forcetypeassert // a list nested attribute's type
	for _, tc := range []struct {
		name   string
		typ    attr.Type
		schema attr.Type
	}{
		{"partnercenter_customers.customers", customerType(), nestedObjectType(customersSchema().Attributes["customers"])},
		{"partnercenter_configuration_policies.policies", policyType(), nestedObjectType(configurationPoliciesSchema().Attributes["policies"])},
		{"partnercenter_device_batches.batches", batchSummaryType(), nestedObjectType(deviceBatchesSchema().Attributes["batches"])},
		{"partnercenter_devices.devices", listedDeviceType(), nestedObjectType(devicesSchema().Attributes["devices"])},
		{"partnercenter_device_batch.devices", deviceObjectType(), nestedObjectType(deviceBatchSchema().Attributes["devices"])},
		{"partnercenter_device_batch.last_upload", lastUploadType(), nestedObjectType(lastUpload)},
		{"partnercenter_device_batch.last_upload.devices_status", deviceUploadType(), uploadedDevices.ElemType},
		{"partnercenter_device_policy_assignment.last_update", lastUpdateType(), nestedObjectType(devicePolicyAssignmentSchema().Attributes["last_update"])},
		{"partnercenter_device_batch_status.devices_status", deviceUploadType(), nestedObjectType(deviceBatchStatusSchema().Attributes["devices_status"])},
	} {
		if !tc.schema.Equal(tc.typ) {
			t.Errorf("%s is %s, the provider builds it as %s", tc.name, tc.schema, tc.typ)
		}
	}
}
