package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestNestedTypesMatchSchemas pins each type that one schema defines and
// another schema uses too (a batch job's results) to every attribute of that
// shape, so that an attribute added, renamed or retyped in one schema but not
// in the other fails here instead of in an acceptance test. A type read from
// the one attribute it is for (nestedObjectType) cannot differ from it.
func TestNestedTypesMatchSchemas(t *testing.T) {
	lastUpload := deviceBatchSchema().Attributes["last_upload"]
	uploadedDevices := nestedObjectType(lastUpload).AttrTypes["devices_status"].(types.ListType) //nolint:forcetypeassert // a list nested attribute's type
	for _, tc := range []struct {
		name   string
		typ    attr.Type
		schema attr.Type
	}{
		{"partnercenter_device_batch.last_upload.devices_status", deviceUploadType(), uploadedDevices.ElemType},
		{"partnercenter_device_policy_assignment.last_update", lastUpdateType(), nestedObjectType(devicePolicyAssignmentSchema().Attributes["last_update"])},
		{"partnercenter_device_batch_status.devices_status", deviceUploadType(), nestedObjectType(deviceBatchStatusSchema().Attributes["devices_status"])},
	} {
		if !tc.schema.Equal(tc.typ) {
			t.Errorf("%s is %s, the provider builds it as %s", tc.name, tc.schema, tc.typ)
		}
	}
}
