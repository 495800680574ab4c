package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const (
	claimsCustomerID = "47021739-3426-40bf-9601-61b4b6d7c793"
	claimsPolicyID   = "5b8e3c1a-2f4d-4e6a-9b7c-1d0e2f3a4b5c"
	claimsOtherID    = "6c9f4d2b-3e5f-4f7b-8c8d-2e1f3a4b5c6d"
)

// plannedAssignment is an assignment planned for batch Fleet of
// claimsCustomerID, of policyID (unknown when "") and deviceIDs (every
// device when none).
func plannedAssignment(policyID string, deviceIDs ...string) devicePolicyAssignmentModel {
	m := devicePolicyAssignmentModel{
		CustomerID: types.StringValue(claimsCustomerID), BatchID: types.StringValue("Fleet"),
		PolicyID: types.StringUnknown(), DeviceIDs: types.SetNull(types.StringType),
	}
	if policyID != "" {
		m.PolicyID = types.StringValue(policyID)
	}
	if len(deviceIDs) > 0 {
		m.DeviceIDs = stringSet(deviceIDs)
	}
	return m
}

// claimPlanned claims m for owner in claims, as ModifyPlan does.
func claimPlanned(t *testing.T, claims *assignmentClaims, owner string, m devicePolicyAssignmentModel) diag.Diagnostics {
	t.Helper()
	c, known := claimOf(owner, m)
	if !known {
		t.Fatalf("the claim of %+v is not known", m)
	}
	return claims.claim(c)
}

// conflict is the diagnostic of a conflict of the claim described by mine
// with the one described by theirs, over what shared says.
func conflict(mine, theirs, shared string) diag.Diagnostics {
	return diag.Diagnostics{diag.NewAttributeErrorDiagnostic(path.Root("device_ids"), "Two assignments give the same devices a profile",
		"This partnercenter_device_policy_assignment gives "+mine+", and another gives "+theirs+`, of batch "fleet" of customer `+
			claimsCustomerID+": "+shared+". A device has one Autopilot profile, so each apply would take off the profile the other "+
			"gave. Give each assignment its own devices with device_ids, such as the values of partnercenter_device_batch's "+
			"device_ids for the keys each should cover, and leave no assignment of that batch without device_ids.")}
}

// TestAssignmentClaimsOfOneOwner plans one assignment again, as Terraform
// plans a replacement for the object it replaces and then for the one it
// creates, its profile unknown: its claim replaces its own, and only the
// latest claim counts against another assignment's.
func TestAssignmentClaimsOfOneOwner(t *testing.T) {
	claims := &assignmentClaims{}
	for range 2 {
		if diags := claimPlanned(t, claims, "a", plannedAssignment("")); diags.HasError() {
			t.Fatalf("an assignment planned again conflicts with itself: %v", diags)
		}
	}
	if len(claims.claims) != 1 {
		t.Fatalf("%d claims recorded for one assignment, want 1", len(claims.claims))
	}
	// Planned again with some devices, it no longer claims the others.
	if diags := claimPlanned(t, claims, "a", plannedAssignment(claimsPolicyID, "D-1")); diags.HasError() {
		t.Fatal(diags)
	}
	if diags := claimPlanned(t, claims, "b", plannedAssignment(claimsOtherID, "D-2")); diags.HasError() {
		t.Errorf("devices apart conflict: %v", diags)
	}
}

// TestAssignmentClaimsOfTwoOwners plans two assignments of one batch: alike,
// their profiles unknown, they conflict, as two profiles not created yet
// may be two profiles; their devices apart or one profile, they do not.
func TestAssignmentClaimsOfTwoOwners(t *testing.T) {
	many := []string{"D-1", "D-2", "D-3", "D-4", "D-5", "D-6", "D-7"}
	for name, tc := range map[string]struct {
		first, second devicePolicyAssignmentModel
		want          diag.Diagnostics
	}{
		"alike, profiles unknown": {plannedAssignment(""), plannedAssignment(""),
			conflict("a profile not created yet to every device", "a profile not created yet to every device",
				"every device of the batch is claimed by one of them")},
		"every device and some, other profiles": {plannedAssignment(claimsPolicyID), plannedAssignment(claimsOtherID, "D-1"),
			conflict("profile "+claimsOtherID+" to 1 device(s)", "profile "+claimsPolicyID+" to every device",
				"every device of the batch is claimed by one of them")},
		"a device named twice, one profile unknown": {plannedAssignment(claimsPolicyID, "D-1", "D-2"), plannedAssignment("", "d-2", "D-3"),
			conflict("a profile not created yet to 2 device(s)", "profile "+claimsPolicyID+" to 2 device(s)", "both name devices d-2")},
		"more devices named twice than are shown": {plannedAssignment(claimsPolicyID, many...), plannedAssignment(claimsOtherID, many...),
			conflict("profile "+claimsOtherID+" to 7 device(s)", "profile "+claimsPolicyID+" to 7 device(s)",
				"both name devices d-1, d-2, d-3, d-4, d-5 and 2 more")},
		"one profile, spelt in two cases": {plannedAssignment(claimsPolicyID), plannedAssignment(strings.ToUpper(claimsPolicyID), "D-1"), nil},
		"devices apart, profiles unknown": {plannedAssignment("", "D-1"), plannedAssignment("", "D-2"), nil},
	} {
		t.Run(name, func(t *testing.T) {
			claims := &assignmentClaims{}
			if diags := claimPlanned(t, claims, "a", tc.first); diags.HasError() {
				t.Fatal(diags)
			}
			if got := claimPlanned(t, claims, "b", tc.second); !got.Equal(tc.want) {
				t.Errorf("diagnostics\n%v\nwant\n%v", got, tc.want)
			}
		})
	}
}

// TestAssignmentClaimUnknownUntilTheBatchAndDevicesAre leaves an assignment
// whose batch or devices are unknown unclaimed: it is planned again once
// they are known.
func TestAssignmentClaimUnknownUntilTheBatchAndDevicesAre(t *testing.T) {
	batch, devices, device := plannedAssignment(""), plannedAssignment(""), plannedAssignment("")
	batch.BatchID = types.StringUnknown()
	devices.DeviceIDs = types.SetUnknown(types.StringType)
	device.DeviceIDs = types.SetValueMust(types.StringType, []attr.Value{types.StringValue("D-1"), types.StringUnknown()})
	for name, m := range map[string]devicePolicyAssignmentModel{"batch": batch, "devices": devices, "a device": device} {
		if _, known := claimOf("a", m); known {
			t.Errorf("the claim of an assignment whose %s is unknown is known", name)
		}
	}
}

// fakePrivate is a resource's private state.
type fakePrivate map[string][]byte

func (p fakePrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p[key], nil
}

func (p fakePrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	p[key] = value
	return nil
}

// TestClaimOwnerFollowsThePrivateState gives a resource planned without an
// owner a new one, in its planned private state, and the same one when
// Terraform plans it again from that private state, as it does the object
// a replacement creates; another resource gets another.
func TestClaimOwnerFollowsThePrivateState(t *testing.T) {
	ctx := context.Background()
	planned := fakePrivate{}
	first, diags := claimOwner(ctx, fakePrivate{}, planned)
	if diags.HasError() || first == "" {
		t.Fatalf("owner %q, %v", first, diags)
	}
	if got := string(planned[privateClaimOwner]); got != `"`+first+`"` {
		t.Errorf("planned private state holds %s, want %q", got, first)
	}
	again, diags := claimOwner(ctx, planned, fakePrivate{})
	if diags.HasError() || again != first {
		t.Errorf("planned again from its private state: owner %q (%v), want %q", again, diags, first)
	}
	if other, _ := claimOwner(ctx, fakePrivate{}, fakePrivate{}); other == first {
		t.Errorf("two resources have owner %q", other)
	}
}
